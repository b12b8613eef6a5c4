import * as z from 'zod';
import {
  DenyReasonSchema,
  IdSchema,
  InstantSchema,
  LabelSchema,
  ProjectLevelSchema,
  RouteSchema,
  RoutesSchema,
  TimestampSchema,
  VersionSchema,
} from './common.js';

export const ACCREDITATION_STATUSES = ['accredited', 'provisional', 'expired', 'none'] as const;
export const AccreditationStatusSchema = z
  .enum(ACCREDITATION_STATUSES, { error: `must be one of ${ACCREDITATION_STATUSES.join(', ')}` })
  .meta({ id: 'AccreditationStatus' });
export type AccreditationStatus = z.infer<typeof AccreditationStatusSchema>;

/** A researcher's accreditation and ARAR (researcher agreement) details. */
export const AccreditationSchema = z
  .strictObject({
    status: AccreditationStatusSchema,
    ararSignedAt: InstantSchema.optional(),
    expiresAt: InstantSchema.optional(),
    homeAddressOnFile: z.boolean({ error: 'must be true or false' }),
  })
  .meta({ id: 'Accreditation' });
export type Accreditation = z.infer<typeof AccreditationSchema>;

/** Body of `PUT /v1/researchers/{researcherId}`. */
export const ResearcherPutBodySchema = z
  .strictObject({
    name: LabelSchema,
    email: z.email({ error: 'must be an email address' }).max(254),
    organisationId: IdSchema,
    accreditation: AccreditationSchema,
  })
  .meta({ id: 'ResearcherPutBody' });
export type ResearcherPutBody = z.infer<typeof ResearcherPutBodySchema>;

/**
 * A stored researcher. A plain (stripping) object, unlike the strict body it
 * builds on: parsing a table item must drop its key attributes, not fail.
 */
export const ResearcherSchema = z
  .object({
    ...ResearcherPutBodySchema.shape,
    researcherId: IdSchema,
    version: VersionSchema,
    updatedAt: TimestampSchema,
    updatedBy: z.string(),
  })
  .meta({ id: 'Researcher' });
export type Researcher = z.infer<typeof ResearcherSchema>;

/** Response of `PUT /v1/researchers/{researcherId}`: the stored researcher and the change it started. */
export const ResearcherWriteResultSchema = ResearcherSchema.extend({ changeId: IdSchema }).meta({
  id: 'ResearcherWriteResult',
});
export type ResearcherWriteResult = z.infer<typeof ResearcherWriteResultSchema>;

/** A route that is not permitted, with every reason that applies, in the order of docs/rules.md. */
export const DeniedRouteSchema = z
  .object({ route: RouteSchema, reasons: z.array(DenyReasonSchema).min(1) })
  .meta({ id: 'DeniedRoute' });
export type DeniedRoute = z.infer<typeof DeniedRouteSchema>;

/** Response of `GET /v1/projects/{projectId}/researchers/{researcherId}/access`. */
export const ResearcherAccessSchema = z
  .object({
    projectId: IdSchema,
    researcherId: IdSchema,
    projectAccessLevel: ProjectLevelSchema,
    routes: RoutesSchema,
    denied: z.array(DeniedRouteSchema),
  })
  .meta({ id: 'ResearcherAccess' });
export type ResearcherAccess = z.infer<typeof ResearcherAccessSchema>;

/** Body of `POST /v1/access-checks`. */
export const AccessCheckRequestSchema = z
  .strictObject({ projectId: IdSchema, researcherId: IdSchema, route: RouteSchema })
  .meta({ id: 'AccessCheckRequest' });
export type AccessCheckRequest = z.infer<typeof AccessCheckRequestSchema>;

/** Response of `POST /v1/access-checks`. */
export const AccessCheckResponseSchema = z
  .object({ allowed: z.boolean(), route: RouteSchema, reasons: z.array(DenyReasonSchema) })
  .meta({ id: 'AccessCheckResponse' });
export type AccessCheckResponse = z.infer<typeof AccessCheckResponseSchema>;
