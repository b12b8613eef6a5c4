/**
 * Key design of the single table. Every item has `pk`, `sk` and `type`;
 * relationship items also carry `gsi1pk`/`gsi1sk` for the `byRef` index.
 *
 * | item         | pk              | sk                               | byRef                         |
 * | ------------ | --------------- | -------------------------------- | ----------------------------- |
 * | dataset      | DATASET#d       | DATASET                          |                               |
 * | project      | PROJECT#p       | PROJECT                          |                               |
 * | summary      | PROJECT#p       | SUMMARY                          |                               |
 * | link         | PROJECT#p       | DATASET#d                        | DATASET#d / PROJECT#p         |
 * | member       | PROJECT#p       | MEMBER#r                         | RESEARCHER#r / PROJECT#p      |
 * | organisation | ORG#o           | ORG                              |                               |
 * | researcher   | RESEARCHER#r    | RESEARCHER                       | ORG#o / RESEARCHER#r          |
 * | notification | RESEARCHER#r    | NOTIFICATION#change#p            |                               |
 * | audit        | (entity's pk)#AUDIT | AUDIT#at#auditId             |                               |
 * | change       | CHANGE#c        | CHANGE                           |                               |
 * | cursor       | CHANGE#c        | PAGE#000001                      |                               |
 * | claims       | CHANGE#c        | CLAIMS#p                         |                               |
 * | import       | IMPORT#i        | IMPORT                           |                               |
 * | import-chunk | IMPORT#i        | CHUNK#000001                     |                               |
 * | access-change| ACCESS#c        | PROJECT#p or PROJECT#p#RESEARCHER#r | feed: FEED / at#c#p#r      |
 */
export const ITEM_TYPES = [
  'dataset',
  'project',
  'summary',
  'link',
  'member',
  'organisation',
  'researcher',
  'notification',
  'audit',
  'change',
  'cursor',
  'claims',
  'import',
  'import-chunk',
  'access-change',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export interface Key {
  pk: string;
  sk: string;
}

/** One string per item key (of a key, or of an item read by it), for maps and sets of items. */
export function keyId(k: { readonly pk?: unknown; readonly sk?: unknown }): string {
  return `${String(k.pk)}\u0000${String(k.sk)}`;
}

export const keys = {
  dataset: (datasetId: string): Key => ({ pk: `DATASET#${datasetId}`, sk: 'DATASET' }),
  project: (projectId: string): Key => ({ pk: `PROJECT#${projectId}`, sk: 'PROJECT' }),
  summary: (projectId: string): Key => ({ pk: `PROJECT#${projectId}`, sk: 'SUMMARY' }),
  link: (projectId: string, datasetId: string): Key => ({
    pk: `PROJECT#${projectId}`,
    sk: `DATASET#${datasetId}`,
  }),
  member: (projectId: string, researcherId: string): Key => ({
    pk: `PROJECT#${projectId}`,
    sk: `MEMBER#${researcherId}`,
  }),
  organisation: (organisationId: string): Key => ({ pk: `ORG#${organisationId}`, sk: 'ORG' }),
  researcher: (researcherId: string): Key => ({
    pk: `RESEARCHER#${researcherId}`,
    sk: 'RESEARCHER',
  }),
  notification: (researcherId: string, changeId: string, projectId: string): Key => ({
    pk: `RESEARCHER#${researcherId}`,
    sk: `NOTIFICATION#${changeId}#${projectId}`,
  }),
  /**
   * Audit entries sit in a partition of their own next to their entity's, so
   * reading a project's partition to recompute it never reads its history.
   */
  audit: (entityPk: string, at: string, auditId: string): Key => ({
    pk: auditPartition(entityPk),
    sk: `AUDIT#${at}#${auditId}`,
  }),
  change: (changeId: string): Key => ({ pk: `CHANGE#${changeId}`, sk: 'CHANGE' }),
  cursor: (changeId: string, page: number): Key => ({
    pk: `CHANGE#${changeId}`,
    sk: `PAGE#${String(page).padStart(6, '0')}`,
  }),
  /** Whom one change has notified on one project: what the change counts. */
  claims: (changeId: string, projectId: string): Key => ({
    pk: `CHANGE#${changeId}`,
    sk: `CLAIMS#${projectId}`,
  }),
  /** The head of an import job. */
  importJob: (importId: string): Key => ({ pk: `IMPORT#${importId}`, sk: 'IMPORT' }),
  /** One chunk of an import job's rows. */
  importChunk: (importId: string, index: number): Key => ({
    pk: `IMPORT#${importId}`,
    sk: `CHUNK#${String(index).padStart(6, '0')}`,
  }),
  /**
   * What one change did to one project's derived access (`researcherId`
   * absent) or, for a change of one researcher's own standing, to that
   * researcher's routes on the project.
   */
  accessChange: (changeId: string, projectId: string, researcherId?: string): Key => ({
    pk: accessChangePartition(changeId),
    sk:
      researcherId === undefined
        ? `PROJECT#${projectId}`
        : `PROJECT#${projectId}#RESEARCHER#${researcherId}`,
  }),
} as const;

/** The partition of everything one change recorded in the feed. */
export function accessChangePartition(changeId: string): string {
  return `ACCESS#${changeId}`;
}

/** The one partition of the `feed` index. */
export const FEED_PARTITION = 'FEED';

/**
 * The `feed` index keys of an access-change item: ordered by the time it was
 * written, then by change, project and researcher, so two items never tie.
 */
export function feedKeys(item: {
  at: string;
  changeId: string;
  projectId: string;
  researcherId?: string | undefined;
}) {
  return {
    gsi2pk: FEED_PARTITION,
    gsi2sk: `${item.at}#${item.changeId}#${item.projectId}#${item.researcherId ?? ''}`,
  };
}

/** The partition of the audit entries of the entity whose partition is `entityPk`. */
export function auditPartition(entityPk: string): string {
  return `${entityPk}#AUDIT`;
}

/** The entity partition whose audit entries `auditPk` holds. */
export function auditedPartition(auditPk: string): string {
  return auditPk.slice(0, -'#AUDIT'.length);
}

/** The key prefix of each kind of item within a partition (`sk`) or a `byRef` partition (`gsi1sk`). */
export const prefixes = {
  dataset: 'DATASET#',
  project: 'PROJECT#',
  organisation: 'ORG#',
  researcher: 'RESEARCHER#',
  link: 'DATASET#',
  member: 'MEMBER#',
  notification: 'NOTIFICATION#',
  audit: 'AUDIT#',
  page: 'PAGE#',
  claims: 'CLAIMS#',
  chunk: 'CHUNK#',
} as const;

/** The `byRef` partition of everything that refers to one dataset, researcher or organisation. */
export const refPartitions = {
  dataset: (datasetId: string) => keys.dataset(datasetId).pk,
  researcher: (researcherId: string) => keys.researcher(researcherId).pk,
  organisation: (organisationId: string) => keys.organisation(organisationId).pk,
} as const;

/** `byRef` index keys of the relationship items. */
export const refs = {
  link: (projectId: string, datasetId: string) => ({
    gsi1pk: refPartitions.dataset(datasetId),
    gsi1sk: keys.project(projectId).pk,
  }),
  member: (projectId: string, researcherId: string) => ({
    gsi1pk: refPartitions.researcher(researcherId),
    gsi1sk: keys.project(projectId).pk,
  }),
  researcher: (organisationId: string, researcherId: string) => ({
    gsi1pk: refPartitions.organisation(organisationId),
    gsi1sk: keys.researcher(researcherId).pk,
  }),
} as const;

/** The id after the `#` of a key part such as `PROJECT#p1`. */
export function idOf(keyPart: string): string {
  return keyPart.slice(keyPart.indexOf('#') + 1);
}
