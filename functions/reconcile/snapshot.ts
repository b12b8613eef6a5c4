import {
  type AccessChangeItem,
  AccessChangeItemSchema,
  type AuditEntry,
  AuditEntrySchema,
  type ChangeItem,
  ChangeItemSchema,
  type Dataset,
  DatasetSchema,
  type LinkItem,
  LinkItemSchema,
  type Membership,
  MembershipSchema,
  type Notification,
  NotificationSchema,
  type Organisation,
  OrganisationSchema,
  type Project,
  ProjectSchema,
  type Researcher,
  ResearcherSchema,
  type SummaryItem,
  SummaryItemSchema,
} from '../../schemas/index.js';
import { auditedPartition, type StoreContext, scanTable } from '../store/index.js';

/** The whole table, parsed and grouped by item type. */
export interface TableSnapshot {
  readonly datasets: Map<string, Dataset>;
  readonly projects: Map<string, Project>;
  readonly summaries: Map<string, SummaryItem>;
  readonly links: LinkItem[];
  readonly members: Membership[];
  readonly organisations: Map<string, Organisation>;
  readonly researchers: Map<string, Researcher>;
  readonly notifications: Notification[];
  readonly changes: Map<string, ChangeItem>;
  /** The access-change items: what the feed and the events are read from. */
  readonly accessChanges: AccessChangeItem[];
  /** Audit entries by the `pk` of the entity partition they sit in. */
  readonly audits: Map<string, AuditEntry[]>;
  /** Items whose shape the schemas reject, by key. */
  readonly malformed: { key: string; message: string }[];
}

/** Reads the whole table into a {@link TableSnapshot}. */
export function takeSnapshot(ctx: StoreContext): Promise<TableSnapshot> {
  return snapshotOf(scanTable(ctx));
}

/**
 * A {@link TableSnapshot} of the given items: the whole table for
 * {@link takeSnapshot}, or a part of it that holds every item its invariants
 * refer to (for example the partitions of one test scenario's ids).
 */
export async function snapshotOf(
  items: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
): Promise<TableSnapshot> {
  const snap: TableSnapshot = {
    datasets: new Map(),
    projects: new Map(),
    summaries: new Map(),
    links: [],
    members: [],
    organisations: new Map(),
    researchers: new Map(),
    notifications: [],
    changes: new Map(),
    accessChanges: [],
    audits: new Map(),
    malformed: [],
  };
  for await (const item of items) {
    try {
      switch (item.type) {
        case 'dataset': {
          const d = DatasetSchema.parse(item);
          snap.datasets.set(d.datasetId, d);
          break;
        }
        case 'project': {
          const p = ProjectSchema.parse(item);
          snap.projects.set(p.projectId, p);
          break;
        }
        case 'summary': {
          const s = SummaryItemSchema.parse(item);
          snap.summaries.set(s.projectId, s);
          break;
        }
        case 'link':
          snap.links.push(LinkItemSchema.parse(item));
          break;
        case 'member':
          snap.members.push(MembershipSchema.parse(item));
          break;
        case 'organisation': {
          const o = OrganisationSchema.parse(item);
          snap.organisations.set(o.organisationId, o);
          break;
        }
        case 'researcher': {
          const r = ResearcherSchema.parse(item);
          snap.researchers.set(r.researcherId, r);
          break;
        }
        case 'notification':
          snap.notifications.push(NotificationSchema.parse(item));
          break;
        case 'change': {
          const c = ChangeItemSchema.parse(item);
          snap.changes.set(c.changeId, c);
          break;
        }
        case 'audit': {
          const entityPk = auditedPartition(String(item.pk));
          const list = snap.audits.get(entityPk) ?? [];
          list.push(AuditEntrySchema.parse(item));
          snap.audits.set(entityPk, list);
          break;
        }
        case 'access-change':
          snap.accessChanges.push(AccessChangeItemSchema.parse(item));
          break;
        case 'cursor':
        case 'claims':
        case 'import':
        case 'import-chunk':
          break;
        default:
          snap.malformed.push({
            key: `${item.pk}/${item.sk}`,
            message: `unknown type ${String(item.type)}`,
          });
      }
    } catch (err) {
      snap.malformed.push({ key: `${item.pk}/${item.sk}`, message: (err as Error).message });
    }
  }
  return snap;
}
