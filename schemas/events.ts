import * as z from 'zod';
import {
  IdSchema,
  ProjectLevelSchema,
  ProjectStatusSchema,
  RoutesSchema,
  TimestampSchema,
} from './common.js';
import { NotificationSchema } from './notification.js';

/** The `source` of every event this system publishes. */
export const EVENT_SOURCE = 'srs.access';

/** One side of a project access transition. */
export const ProjectAccessStateSchema = z
  .object({
    accessLevel: ProjectLevelSchema,
    status: ProjectStatusSchema,
    routes: RoutesSchema,
  })
  .meta({ id: 'ProjectAccessState' });
export type ProjectAccessState = z.infer<typeof ProjectAccessStateSchema>;

/** Detail of `ProjectAccessChanged`: a project's level or status changed. */
export const ProjectAccessChangedSchema = z
  .object({
    projectId: IdSchema,
    changeId: IdSchema.optional(),
    from: ProjectAccessStateSchema,
    to: ProjectAccessStateSchema,
    widened: z.boolean(),
    at: TimestampSchema,
  })
  .meta({ id: 'ProjectAccessChanged' });
export type ProjectAccessChanged = z.infer<typeof ProjectAccessChangedSchema>;

/** Detail of `ResearcherRoutesNarrowed`: one notification was claimed. */
export const ResearcherRoutesNarrowedSchema = NotificationSchema.omit({
  message: true,
  subject: true,
  deliveredAt: true,
}).meta({ id: 'ResearcherRoutesNarrowed' });
export type ResearcherRoutesNarrowed = z.infer<typeof ResearcherRoutesNarrowedSchema>;

/** Any event this system publishes, as `{ detailType, detail }`. */
export const DomainEventSchema = z.discriminatedUnion('detailType', [
  z.object({ detailType: z.literal('ProjectAccessChanged'), detail: ProjectAccessChangedSchema }),
  z.object({
    detailType: z.literal('ResearcherRoutesNarrowed'),
    detail: ResearcherRoutesNarrowedSchema,
  }),
]);
export type DomainEvent = z.infer<typeof DomainEventSchema>;
