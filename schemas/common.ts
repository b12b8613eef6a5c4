import * as z from 'zod';

/** Identifier of any entity, as used in paths (docs/api.md). */
export const IdSchema = z
  .string({ error: 'must be a string identifier' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    error:
      'must be 1 to 128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  .meta({ id: 'Id', example: 'census-2021' });
export type Id = z.infer<typeof IdSchema>;

/** A dataset access level: an integer from 0 (no safe setting) to 3 (all four routes). */
export const AccessLevelSchema = z
  .int({ error: 'must be an integer access level from 0 to 3' })
  .min(0, { error: 'must be an integer access level from 0 to 3' })
  .max(3, { error: 'must be an integer access level from 0 to 3' })
  .meta({ id: 'AccessLevel', description: 'Access level 0..3' });
export type AccessLevel = z.infer<typeof AccessLevelSchema>;

/** A dataset's classification: a level, or `null` while unclassified. */
export const ClassificationSchema = AccessLevelSchema.nullable().meta({
  id: 'Classification',
  description: 'Access level 0..3, or null while the dataset is unclassified',
});
export type Classification = z.infer<typeof ClassificationSchema>;

/**
 * A project's level: the lowest level of its datasets, or `null` while it has
 * none (no datasets, or one is unclassified). Its own schema, not
 * `AccessLevel` made nullable: that would be documented as
 * `allOf: [AccessLevel, ...]`, which rejects `null`.
 */
export const ProjectLevelSchema = z
  .int({ error: 'must be an integer access level from 0 to 3, or null' })
  .min(0, { error: 'must be an integer access level from 0 to 3, or null' })
  .max(3, { error: 'must be an integer access level from 0 to 3, or null' })
  .nullable()
  .meta({
    id: 'ProjectLevel',
    description: 'Access level 0..3, or null while the project has no level',
  });

/** The four safe-setting routes, in the order used everywhere. */
export const ROUTES = ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'] as const;
export const RouteSchema = z
  .enum(ROUTES, {
    error: `must be one of ${ROUTES.join(', ')}`,
  })
  .meta({ id: 'Route' });
export type Route = z.infer<typeof RouteSchema>;

/** A list of routes, always in the canonical order of {@link ROUTES}. */
export const RoutesSchema = z.array(RouteSchema);

/** Why a route is not permitted, in the order they are reported. */
export const DENY_REASONS = [
  'not-a-member',
  'no-datasets',
  'pending-classification',
  'project-level',
  'no-aoc-agreement',
  'no-remote-agreement',
  'not-accredited',
  'no-home-address',
] as const;
export const DenyReasonSchema = z.enum(DENY_REASONS).meta({ id: 'DenyReason' });
export type DenyReason = z.infer<typeof DenyReasonSchema>;

/** A project's derived status. */
export const PROJECT_STATUSES = ['ok', 'no-datasets', 'pending-classification'] as const;
export const ProjectStatusSchema = z.enum(PROJECT_STATUSES).meta({ id: 'ProjectStatus' });
export type ProjectStatus = z.infer<typeof ProjectStatusSchema>;

/**
 * A point in time: an ISO 8601 date-time with an offset (`2026-03-01T09:00:00Z`)
 * or a calendar date (`2026-03-01`, meaning that whole day in UTC).
 */
export const InstantSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with offset',
  })
  .meta({ id: 'Instant', example: '2026-03-01T09:00:00Z' });
export type Instant = z.infer<typeof InstantSchema>;

/** A timestamp written by the system (always a full ISO date-time in UTC). */
export const TimestampSchema = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof TimestampSchema>;

/** Optimistic-concurrency version of a mutable item, incremented on every write. */
export const VersionSchema = z.int().min(1);

/** Free-text reason recorded in the audit trail. */
export const ReasonSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(1000, { error: 'must be at most 1000 characters' });

/** A short human-readable label (title, name). */
export const LabelSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(300, { error: 'must be at most 300 characters' });
