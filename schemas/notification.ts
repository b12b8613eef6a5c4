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
  'dataset-removed',
  'membership-ended',
  'organisation-agreement-changed',
  'organisation-changed',
  'accreditation-changed',
  'expiry',
  'expiry-upcoming',
] as const;
export const CauseKindSchema = z.enum(CAUSE_KINDS).meta({ id: 'CauseKind' });
export type CauseKind = z.infer<typeof CauseKindSchema>;

/** A value a fact can take in a cause's `changes` (`null`: absent). */
export const FactValueSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .meta({ id: 'FactValue' });
export type FactValue = z.infer<typeof FactValueSchema>;

/**
 * One fact that changed and matters to a researcher's routes, from what to
 * what (never to the same value): `accessLevel`, `dataset`, `membership`,
 * `organisationId`, `AOCCC.status`, `accreditation.homeAddressOnFile`, ...
 */
export const FactChangeSchema = z
  .object({ field: z.string(), from: FactValueSchema, to: FactValueSchema })
  .meta({ id: 'FactChange' });
export type FactChange = z.infer<typeof FactChangeSchema>;

/** The cause of a notification: which dataset, agreement or accreditation, from what to what. */
export const CauseSchema = z
  .object({
    kind: CauseKindSchema,
    /** Every fact that changed and mattered, from what to what; the message is built from it. */
    changes: z.array(FactChangeSchema).default([]),
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
    /** For `expiry-upcoming`: when the agreement or accreditation will run out. */
    expiresAt: InstantSchema.optional(),
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
    /** `narrowed`: routes were lost; `warning`: they will be when an expiry comes. */
    kind: z.enum(['narrowed', 'warning']).default('narrowed'),
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
