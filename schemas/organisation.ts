import * as z from 'zod';
import {
  IdSchema,
  InstantSchema,
  LabelSchema,
  RoutesSchema,
  TimestampSchema,
  VersionSchema,
} from './common.js';

/** The three AOC agreements an organisation can hold. */
export const AGREEMENT_KINDS = ['AOCOA', 'AOCCC', 'ARACCC'] as const;
export const AgreementKindSchema = z.enum(AGREEMENT_KINDS).meta({ id: 'AgreementKind' });
export type AgreementKind = z.infer<typeof AgreementKindSchema>;

export const AGREEMENT_STATUSES = ['approved', 'pending', 'suspended', 'revoked'] as const;
export const AgreementStatusSchema = z
  .enum(AGREEMENT_STATUSES, { error: `must be one of ${AGREEMENT_STATUSES.join(', ')}` })
  .meta({ id: 'AgreementStatus' });
export type AgreementStatus = z.infer<typeof AgreementStatusSchema>;

/** One connectivity agreement; in force when approved and not past `expiresAt`. */
export const AgreementSchema = z
  .strictObject({
    status: AgreementStatusSchema,
    approvedAt: InstantSchema.optional(),
    expiresAt: InstantSchema.optional(),
  })
  .meta({ id: 'Agreement' });
export type Agreement = z.infer<typeof AgreementSchema>;

/** The agreements an organisation holds, by kind. */
export const AgreementsSchema = z
  .strictObject({
    AOCOA: AgreementSchema.optional(),
    AOCCC: AgreementSchema.optional(),
    ARACCC: AgreementSchema.optional(),
  })
  .meta({ id: 'Agreements' });
export type Agreements = z.infer<typeof AgreementsSchema>;

/** Body of `PUT /v1/organisations/{organisationId}`. */
export const OrganisationPutBodySchema = z
  .strictObject({ name: LabelSchema, agreements: AgreementsSchema })
  .meta({ id: 'OrganisationPutBody' });
export type OrganisationPutBody = z.infer<typeof OrganisationPutBodySchema>;

/** A stored organisation. */
export const OrganisationSchema = z
  .object({
    organisationId: IdSchema,
    name: LabelSchema,
    agreements: AgreementsSchema,
    version: VersionSchema,
    updatedAt: TimestampSchema,
    updatedBy: z.string(),
  })
  .meta({ id: 'Organisation' });
export type Organisation = z.infer<typeof OrganisationSchema>;

/** Response of `GET /v1/organisations/{organisationId}`: the organisation with its derived routes. */
export const OrganisationViewSchema = OrganisationSchema.extend({ routes: RoutesSchema }).meta({
  id: 'OrganisationView',
});
export type OrganisationView = z.infer<typeof OrganisationViewSchema>;

/** Response of `PUT /v1/organisations/{organisationId}`: the stored organisation and the change it started. */
export const OrganisationWriteResultSchema = OrganisationSchema.extend({ changeId: IdSchema }).meta(
  {
    id: 'OrganisationWriteResult',
  },
);
export type OrganisationWriteResult = z.infer<typeof OrganisationWriteResultSchema>;
