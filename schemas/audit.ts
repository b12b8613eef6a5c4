import * as z from 'zod';
import { IdSchema, TimestampSchema } from './common.js';

export const AUDITED_ENTITIES = [
  'dataset',
  'project',
  'link',
  'membership',
  'organisation',
  'researcher',
] as const;
export const AuditedEntitySchema = z.enum(AUDITED_ENTITIES).meta({ id: 'AuditedEntity' });
export type AuditedEntity = z.infer<typeof AuditedEntitySchema>;

/** One accepted write: who, when, what from, what to, and why. */
export const AuditEntrySchema = z
  .object({
    auditId: IdSchema,
    entity: AuditedEntitySchema,
    entityId: z.string(),
    action: z.enum(['create', 'update', 'delete']),
    actor: z.string(),
    at: TimestampSchema,
    from: z.unknown().nullable(),
    to: z.unknown().nullable(),
    reason: z.string().optional(),
    changeId: IdSchema.optional(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** Response of `GET /v1/datasets/{datasetId}/history`. */
export const AuditPageSchema = z
  .object({ items: z.array(AuditEntrySchema), nextToken: z.string().optional() })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPageSchema>;
