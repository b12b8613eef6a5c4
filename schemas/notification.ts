import * as z from 'zod';
import {
  ClassificationSchema,
  IdSchema,
  InstantSchema,
  ProjectLevelSchema,
  RoutesSchema,
  TimestampSchema,
} from './common.js';
import { AgreementKindSchema, AgreementStatusSchema } from './organisation.js';
import { AccreditationStatusSchema } from './researcher.js';

/** What caused a narrowing (docs/rules.md). */
export const CAUSE_KINDS = [
  'dataset-level-changed',
  'dataset-added',
  'organisation-agreement-changed',
  'accreditation-changed',
  'expiry',
] as const;
export const CauseKindSchema = z.enum(CAUSE_KINDS).meta({ id: 'CauseKind' });
export type CauseKind = z.infer<typeof CauseKindSchema>;

/** The cause of a notification: which dataset, agreement or accreditation, from what to what. */
export const CauseSchema = z
  .object({
    kind: CauseKindSchema,
    datasetId: IdSchema.optional(),
    /** The dataset's title when the change was made, for the message. */
    datasetTitle: z.string().optional(),
    organisationId: IdSchema.optional(),
    researcherId: IdSchema.optional(),
    agreement: AgreementKindSchema.optional(),
    fromLevel: ClassificationSchema.optional(),
    toLevel: ClassificationSchema.optional(),
    fromStatus: z.union([AgreementStatusSchema, AccreditationStatusSchema]).nullable().optional(),
    toStatus: z.union([AgreementStatusSchema, AccreditationStatusSchema]).nullable().optional(),
    expiredAt: InstantSchema.optional(),
  })
  .meta({ id: 'Cause' });
export type Cause = z.infer<typeof CauseSchema>;

/** The project level before and after a change (`null` when the project has no level). */
export const LevelTransitionSchema = z
  .object({ from: ProjectLevelSchema, to: ProjectLevelSchema })
  .meta({ id: 'LevelTransition' });
export type LevelTransition = z.infer<typeof LevelTransitionSchema>;

/** The two contact addresses a notification can name. */
export interface Contacts {
  /** Questions about project access levels. */
  readonly projectAccess: string;
  /** Questions about AOC agreements and applications. */
  readonly connectivity: string;
}

/** The service's contact addresses (docs/rules.md); deployments may configure others. */
export const CONTACTS: Contacts = {
  projectAccess: 'srs.customer.support@ons.gov.uk',
  connectivity: 'srs.connectivity@ons.gov.uk',
};

/** A notice to one researcher that their routes to one project have narrowed. */
export const NotificationSchema = z
  .object({
    notificationId: IdSchema,
    changeId: IdSchema,
    researcherId: IdSchema,
    projectId: IdSchema,
    createdAt: TimestampSchema,
    cause: CauseSchema,
    projectLevel: LevelTransitionSchema,
    removedRoutes: RoutesSchema,
    remainingRoutes: RoutesSchema,
    contact: z.email(),
    subject: z.string(),
    message: z.string(),
    deliveredAt: TimestampSchema.optional(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof NotificationSchema>;

/** Response of `GET /v1/researchers/{researcherId}/notifications`. */
export const NotificationPageSchema = z
  .object({ items: z.array(NotificationSchema), nextToken: z.string().optional() })
  .meta({ id: 'NotificationPage' });
export type NotificationPage = z.infer<typeof NotificationPageSchema>;
