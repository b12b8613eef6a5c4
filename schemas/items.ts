import * as z from 'zod';
import { ChangeRecordSchema } from './change.js';
import {
  ClassificationSchema,
  IdSchema,
  ProjectLevelSchema,
  ProjectStatusSchema,
  TimestampSchema,
} from './common.js';
import { CauseSchema } from './notification.js';
import { AgreementsSchema } from './organisation.js';
import { ProjectAccessSchema } from './project.js';
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
   * left or changed standing since.
   */
  notified: z.array(IdSchema).optional(),
});
export type SummaryItem = z.infer<typeof SummaryItemSchema>;

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

/** What a researcher's own routes depend on, before or after a change. */
export const StandingSchema = z.object({
  organisationId: IdSchema,
  accreditation: AccreditationSchema,
});
export type Standing = z.infer<typeof StandingSchema>;

/**
 * A change record as stored: the public record plus what the consumer needs to
 * carry it out, and its progress through the pages of its fan-out.
 */
export const ChangeItemSchema = ChangeRecordSchema.extend({
  /** Pages of the fan-out finished so far; the guard that makes each page count once. */
  pagesDone: z.int().min(0),
  actor: z.string(),
  datasetId: IdSchema.optional(),
  datasetVersion: z.int().min(1).optional(),
  projectId: IdSchema.optional(),
  fromLevel: ClassificationSchema.optional(),
  toLevel: ClassificationSchema.optional(),
  organisationId: IdSchema.optional(),
  fromAgreements: AgreementsSchema.nullable().optional(),
  toAgreements: AgreementsSchema.optional(),
  researcherId: IdSchema.optional(),
  fromStanding: StandingSchema.nullable().optional(),
  toStanding: StandingSchema.optional(),
  /** The cause reported in notifications of this change. */
  cause: CauseSchema.optional(),
  /** For an expiry: routes before are evaluated at this instant, routes after at `createdAt`. */
  beforeAt: TimestampSchema.optional(),
});
export type ChangeItem = z.infer<typeof ChangeItemSchema>;

/** A durable fan-out cursor: its insertion starts the next page of a change. */
export const CursorItemSchema = z.object({
  changeId: IdSchema,
  page: z.int().min(1),
  /** The `ExclusiveStartKey` of the page, as JSON. */
  startKey: z.string(),
  createdAt: TimestampSchema,
});
export type CursorItem = z.infer<typeof CursorItemSchema>;
