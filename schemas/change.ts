import * as z from 'zod';
import { IdSchema, TimestampSchema } from './common.js';

/** What kind of write started a change. */
export const CHANGE_KINDS = [
  'dataset-level-changed',
  'dataset-added',
  'dataset-removed',
  'membership-started',
  'membership-ended',
  'organisation-agreement-changed',
  'accreditation-changed',
  'expiry',
] as const;
export const ChangeKindSchema = z.enum(CHANGE_KINDS).meta({ id: 'ChangeKind' });
export type ChangeKind = z.infer<typeof ChangeKindSchema>;

export const ChangeStatusSchema = z.enum(['pending', 'applied']).meta({ id: 'ChangeStatus' });
export type ChangeStatus = z.infer<typeof ChangeStatusSchema>;

/**
 * Response of `GET /v1/changes/{changeId}`: the progress of one accepted write.
 * `affectedProjects` counts the projects recomputed for it so far and
 * `notifications` the notifications claimed for it so far; once it is
 * `applied`, `notifications` is exactly the notifications it claimed.
 */
export const ChangeRecordSchema = z
  .object({
    changeId: IdSchema,
    kind: ChangeKindSchema,
    status: ChangeStatusSchema,
    affectedProjects: z.int().min(0),
    notifications: z.int().min(0),
    createdAt: TimestampSchema,
    appliedAt: TimestampSchema.optional(),
  })
  .meta({ id: 'ChangeRecord' });
export type ChangeRecord = z.infer<typeof ChangeRecordSchema>;

/** Response of writes that start a change. */
export const ChangeRefSchema = z.object({ changeId: IdSchema }).meta({ id: 'ChangeRef' });
export type ChangeRef = z.infer<typeof ChangeRefSchema>;
