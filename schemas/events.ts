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

/**
 * The order of a derived change per (project, researcher): the time of the
 * change that caused it, in epoch milliseconds. A later change carries a
 * larger version, so a consumer that meets an older one after a newer one
 * can drop it (docs/propagation.md).
 */
export const AccessVersionSchema = z
  .int()
  .min(0)
  .meta({ description: 'Orders the changes of one (project, researcher): epoch ms of the change' });

/** What every derived change carries: the project, the change, its order and time. */
const DerivedChangeSchema = z.object({
  projectId: IdSchema,
  changeId: IdSchema,
  version: AccessVersionSchema,
  at: TimestampSchema,
});

/** Detail of `ProjectAccessChanged`: a project's level, status or routes changed. */
export const ProjectAccessChangedSchema = DerivedChangeSchema.extend({
  from: ProjectAccessStateSchema,
  to: ProjectAccessStateSchema,
  widened: z.boolean(),
}).meta({ id: 'ProjectAccessChanged' });
export type ProjectAccessChanged = z.infer<typeof ProjectAccessChangedSchema>;

/** Detail of `ResearcherRoutesChanged`: a researcher's permitted routes on a project changed. */
export const ResearcherRoutesChangedSchema = DerivedChangeSchema.extend({
  researcherId: IdSchema,
  from: RoutesSchema,
  to: RoutesSchema,
  /** Whether a route was lost (a notice is owed) rather than only gained. */
  narrowed: z.boolean(),
}).meta({ id: 'ResearcherRoutesChanged' });
export type ResearcherRoutesChanged = z.infer<typeof ResearcherRoutesChangedSchema>;

/** One entry of `GET /v1/access-changes`: the same facts as the events, with its cursor. */
export const AccessChangeSchema = z
  .discriminatedUnion('type', [
    ProjectAccessChangedSchema.omit({ widened: true }).extend({
      type: z.literal('ProjectAccessChanged'),
      cursor: z.string(),
    }),
    ResearcherRoutesChangedSchema.omit({ narrowed: true }).extend({
      type: z.literal('ResearcherRoutesChanged'),
      cursor: z.string(),
    }),
  ])
  .meta({ id: 'AccessChange' });
export type AccessChange = z.infer<typeof AccessChangeSchema>;

/** Response of `GET /v1/access-changes`. */
export const AccessChangesPageSchema = z
  .object({
    items: z.array(AccessChangeSchema),
    /** Where to resume: always present, so a client that keeps it sees every later entry. */
    nextCursor: z.string(),
  })
  .meta({ id: 'AccessChangesPage' });
export type AccessChangesPage = z.infer<typeof AccessChangesPageSchema>;

/** Detail of `ResearcherRoutesNarrowed`: one notification was claimed. */
export const ResearcherRoutesNarrowedSchema = NotificationSchema.omit({
  message: true,
  subject: true,
  deliveredAt: true,
}).meta({ id: 'ResearcherRoutesNarrowed' });
export type ResearcherRoutesNarrowed = z.infer<typeof ResearcherRoutesNarrowedSchema>;

/** Detail of `ExpiryWarning`: one expiry warning was claimed. */
export const ExpiryWarningSchema = NotificationSchema.omit({
  message: true,
  subject: true,
  deliveredAt: true,
}).meta({ id: 'ExpiryWarning' });
export type ExpiryWarning = z.infer<typeof ExpiryWarningSchema>;

/** Any event this system publishes, as `{ detailType, detail }`. */
export const DomainEventSchema = z.discriminatedUnion('detailType', [
  z.object({ detailType: z.literal('ProjectAccessChanged'), detail: ProjectAccessChangedSchema }),
  z.object({
    detailType: z.literal('ResearcherRoutesChanged'),
    detail: ResearcherRoutesChangedSchema,
  }),
  z.object({
    detailType: z.literal('ResearcherRoutesNarrowed'),
    detail: ResearcherRoutesNarrowedSchema,
  }),
  z.object({ detailType: z.literal('ExpiryWarning'), detail: ExpiryWarningSchema }),
]);
export type DomainEvent = z.infer<typeof DomainEventSchema>;
