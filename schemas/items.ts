import * as z from 'zod';
import { ChangeRecordSchema } from './change.js';
import {
  ClassificationSchema,
  IdSchema,
  ProjectLevelSchema,
  ProjectStatusSchema,
  ReasonSchema,
  RoutesSchema,
  TimestampSchema,
} from './common.js';
import { DatasetImportRowSchema, ImportOutcomeSchema } from './dataset.js';
import { ProjectAccessStateSchema } from './events.js';
import { CauseSchema } from './notification.js';
import { AgreementsSchema } from './organisation.js';
import { MembershipSchema, ProjectAccessSchema } from './project.js';
import { AccreditationSchema } from './researcher.js';

/**
 * Shapes stored in the table beyond the API entities (which are stored as they
 * are, plus keys). Key attributes (`pk`, `sk`, `type`, `gsi1pk`, `gsi1sk`) are
 * added by the store and stripped when an item is parsed.
 */

/** A project's derived access as stored, with the change and cause of its last recompute. */
export const SummaryItemSchema = ProjectAccessSchema.extend({
  changeId: IdSchema.optional(),
  cause: CauseSchema.optional(),
  /** Level and status before the last write, so a redelivered change can finish its claims. */
  previous: z.object({ accessLevel: ProjectLevelSchema, status: ProjectStatusSchema }).optional(),
  /**
   * The researchers the last write's change notified on this project, so that
   * a redelivered change claims and counts exactly those, whoever has joined,
   * left or changed standing since. Written (possibly empty) by every write
   * of a notifying change; absent means nobody was notified.
   */
  notified: z.array(IdSchema).optional(),
});
export type SummaryItem = z.infer<typeof SummaryItemSchema>;

/**
 * What one change did to the derived access of one project: its level,
 * status and routes (when they moved) and the routes of each researcher whose
 * permitted routes moved, narrowing or widening. Written once, in the same
 * transaction as the derived state it records (or as the notices of the
 * narrowing it records); the feed `GET /v1/access-changes` and the events are
 * read from it (docs/propagation.md).
 */
export const AccessChangeItemSchema = z.object({
  changeId: IdSchema,
  projectId: IdSchema,
  at: TimestampSchema,
  version: z.int().min(0),
  project: z.object({ from: ProjectAccessStateSchema, to: ProjectAccessStateSchema }).optional(),
  researchers: z.array(z.object({ researcherId: IdSchema, from: RoutesSchema, to: RoutesSchema })),
});
export type AccessChangeItem = z.infer<typeof AccessChangeItemSchema>;

/** A dataset used by a project, with the dataset version its level was copied from. */
export const LinkItemSchema = z.object({
  projectId: IdSchema,
  datasetId: IdSchema,
  accessLevel: ClassificationSchema,
  datasetVersion: z.int().min(1),
  changeId: IdSchema,
  linkedAt: TimestampSchema,
});
export type LinkItem = z.infer<typeof LinkItemSchema>;

/** A membership as stored: with the `membership-started` change that made it (absent on older ones). */
export const MemberItemSchema = MembershipSchema.extend({ changeId: IdSchema.optional() });
export type MemberItem = z.infer<typeof MemberItemSchema>;

/** What a researcher's own routes depend on, before or after a change. */
export const StandingSchema = z.object({
  organisationId: IdSchema,
  accreditation: AccreditationSchema,
});

/**
 * A change record as stored: the public record plus who made it, its
 * progress through the pages of its fan-out, and the facts its kind needs to
 * be carried out (one variant per kind, so no kind can lack its facts).
 */
const ChangeBaseSchema = ChangeRecordSchema.extend({
  /** Pages of the fan-out finished so far; the guard that makes each page count once. */
  pagesDone: z.int().min(0),
  actor: z.string(),
});

/** A dataset's level moved: every project that uses it is recomputed. */
const DatasetLevelChangedSchema = ChangeBaseSchema.extend({
  kind: z.literal('dataset-level-changed'),
  datasetId: IdSchema,
  datasetVersion: z.int().min(1),
  fromLevel: ClassificationSchema,
  toLevel: ClassificationSchema,
  /** The cause reported in notifications of this change. */
  cause: CauseSchema,
});

/** A dataset was added to a project. */
const DatasetAddedSchema = ChangeBaseSchema.extend({
  kind: z.literal('dataset-added'),
  projectId: IdSchema,
  datasetId: IdSchema,
  datasetVersion: z.int().min(1),
  toLevel: ClassificationSchema,
  cause: CauseSchema,
});

/** A dataset was removed from a project. */
const DatasetRemovedSchema = ChangeBaseSchema.extend({
  kind: z.literal('dataset-removed'),
  projectId: IdSchema,
  datasetId: IdSchema,
  fromLevel: ClassificationSchema,
  /** The cause reported in notifications of this change (a project that loses its last dataset). */
  cause: CauseSchema,
});

/**
 * A researcher was removed from a project. The routes they had on it the
 * moment before (`fromRoutes`) and the project's level then are decided when
 * the membership is deleted, in the same transaction, so every delivery of
 * the change notifies the same way.
 */
const MembershipEndedSchema = ChangeBaseSchema.extend({
  kind: z.literal('membership-ended'),
  projectId: IdSchema,
  researcherId: IdSchema,
  fromRoutes: RoutesSchema,
  projectLevel: ProjectLevelSchema,
  cause: CauseSchema,
});

/**
 * A researcher was added to a project, with the routes they gained on it
 * (`toRoutes`), decided and recorded in the feed in the same transaction as
 * the membership. Nothing is left to carry out: it cannot narrow anything.
 */
const MembershipStartedSchema = ChangeBaseSchema.extend({
  kind: z.literal('membership-started'),
  projectId: IdSchema,
  researcherId: IdSchema,
  toRoutes: RoutesSchema,
});

/** An organisation's agreements were written (`fromAgreements` is `null` when it is new). */
const AgreementChangedSchema = ChangeBaseSchema.extend({
  kind: z.literal('organisation-agreement-changed'),
  organisationId: IdSchema,
  fromAgreements: AgreementsSchema.nullable(),
  toAgreements: AgreementsSchema,
});

/** A researcher's organisation or accreditation was written (`fromStanding` is `null` when new). */
const AccreditationChangedSchema = ChangeBaseSchema.extend({
  kind: z.literal('accreditation-changed'),
  researcherId: IdSchema,
  fromStanding: StandingSchema.nullable(),
  toStanding: StandingSchema,
});

/**
 * What every expiry carries: routes before are evaluated at `beforeAt` (1 ms before the
 * expiry's instant), routes after at the instant itself, so that each of several expiries a
 * run finds tells only of what it took.
 */
const ExpiryFields = {
  kind: z.literal('expiry'),
  cause: CauseSchema,
  beforeAt: TimestampSchema,
};

/** An organisation's agreement expired. */
const OrganisationExpirySchema = ChangeBaseSchema.extend({
  ...ExpiryFields,
  organisationId: IdSchema,
});

/** A researcher's accreditation expired. */
const ResearcherExpirySchema = ChangeBaseSchema.extend({
  ...ExpiryFields,
  researcherId: IdSchema,
});

export const ChangeItemSchema = z.union([
  DatasetLevelChangedSchema,
  DatasetAddedSchema,
  DatasetRemovedSchema,
  MembershipStartedSchema,
  MembershipEndedSchema,
  AgreementChangedSchema,
  AccreditationChangedSchema,
  OrganisationExpirySchema,
  ResearcherExpirySchema,
]);
export type ChangeItem = z.infer<typeof ChangeItemSchema>;
/** A change record of one kind. */
export type ChangeOf<K extends ChangeItem['kind']> = Extract<ChangeItem, { kind: K }>;
/** A change that concerns every researcher of one organisation. */
export type OrganisationChange =
  | ChangeOf<'organisation-agreement-changed'>
  | z.infer<typeof OrganisationExpirySchema>;
/** A change that concerns one researcher. */
export type ResearcherChange =
  | ChangeOf<'accreditation-changed'>
  | z.infer<typeof ResearcherExpirySchema>;

/** A durable fan-out cursor: its insertion starts the next page of a change. */
export const CursorItemSchema = z.object({
  changeId: IdSchema,
  page: z.int().min(1),
  /** The `ExclusiveStartKey` of the page, as JSON. */
  startKey: z.string(),
  createdAt: TimestampSchema,
});
export type CursorItem = z.infer<typeof CursorItemSchema>;

/** The head of an import job: what was received and how it was cut into chunks. */
export const ImportJobItemSchema = z.object({
  importId: IdSchema,
  rows: z.int().min(0),
  chunks: z.int().min(0),
  reason: ReasonSchema,
  createdAt: TimestampSchema,
  createdBy: z.string(),
});
export type ImportJobItem = z.infer<typeof ImportJobItemSchema>;

/** One row of an import chunk: a valid row to write, or a row refused with its message. */
export const ImportEntrySchema = z.union([
  DatasetImportRowSchema.extend({ row: z.int().min(1) }),
  z.strictObject({ row: z.int().min(1), message: z.string() }),
]);
export type ImportEntry = z.infer<typeof ImportEntrySchema>;

/**
 * A chunk of an import job: its insertion starts its processing, and its
 * `result`, written in the same transaction as its rows, says it is done.
 */
export const ImportChunkItemSchema = z.object({
  importId: IdSchema,
  index: z.int().min(0),
  /** How many rows `entries` holds (what a poll counts without reading them). */
  size: z.int().min(1),
  reason: ReasonSchema,
  actor: z.string(),
  entries: z.array(ImportEntrySchema),
  result: ImportOutcomeSchema.optional(),
});
export type ImportChunkItem = z.infer<typeof ImportChunkItemSchema>;
