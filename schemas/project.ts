import * as z from 'zod';
import {
  ClassificationSchema,
  IdSchema,
  LabelSchema,
  ProjectLevelSchema,
  ProjectStatusSchema,
  RoutesSchema,
  TimestampSchema,
  VersionSchema,
} from './common.js';

/** A research project registered by an administrator. */
export const ProjectSchema = z
  .object({
    projectId: IdSchema,
    title: LabelSchema,
    version: VersionSchema,
    updatedAt: TimestampSchema,
    updatedBy: z.string(),
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof ProjectSchema>;

/** Body of `PUT /v1/projects/{projectId}`. */
export const ProjectPutBodySchema = z
  .strictObject({ title: LabelSchema })
  .meta({ id: 'ProjectPutBody' });
export type ProjectPutBody = z.infer<typeof ProjectPutBodySchema>;

/** A dataset used by a project, carrying the dataset's level as last propagated. */
export const DatasetLinkSchema = z
  .object({
    projectId: IdSchema,
    datasetId: IdSchema,
    accessLevel: ClassificationSchema,
  })
  .meta({ id: 'DatasetLink' });
export type DatasetLink = z.infer<typeof DatasetLinkSchema>;

/** A dataset that explains a project's level: its level equals the project's, or it is unclassified. */
export const LimitingDatasetSchema = z
  .object({ datasetId: IdSchema, accessLevel: ClassificationSchema })
  .meta({ id: 'LimitingDataset' });
export type LimitingDataset = z.infer<typeof LimitingDatasetSchema>;

/** The derived access of a project, computed from its datasets (docs/rules.md). */
export const ProjectSummarySchema = z
  .object({
    accessLevel: ProjectLevelSchema,
    status: ProjectStatusSchema,
    routes: RoutesSchema,
    limitingDatasets: z.array(LimitingDatasetSchema),
    datasetCount: z.int().min(0),
  })
  .meta({ id: 'ProjectSummary' });
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

/** Response of `GET /v1/projects/{projectId}/access`. */
export const ProjectAccessSchema = ProjectSummarySchema.extend({
  projectId: IdSchema,
  version: z.int().min(0),
  updatedAt: TimestampSchema,
}).meta({ id: 'ProjectAccess' });
export type ProjectAccess = z.infer<typeof ProjectAccessSchema>;

/** Response of `PUT`/`DELETE /v1/projects/{projectId}/datasets/{datasetId}`. */
export const ProjectDatasetLinkResultSchema = z
  .object({ projectId: IdSchema, datasetId: IdSchema, changeId: IdSchema })
  .meta({ id: 'ProjectDatasetLinkResult' });
export type ProjectDatasetLinkResult = z.infer<typeof ProjectDatasetLinkResultSchema>;

/** A researcher's membership of a project. */
export const MembershipSchema = z
  .object({ projectId: IdSchema, researcherId: IdSchema, addedAt: TimestampSchema })
  .meta({ id: 'Membership' });
export type Membership = z.infer<typeof MembershipSchema>;

/** Response of `PUT`/`DELETE /v1/projects/{projectId}/researchers/{researcherId}`. */
export const MembershipRefSchema = MembershipSchema.pick({
  projectId: true,
  researcherId: true,
}).meta({ id: 'MembershipRef' });
export type MembershipRef = z.infer<typeof MembershipRefSchema>;

/** Response of adding a researcher to a project: the `membership-started` change that added them. */
export const MembershipAddedSchema = MembershipRefSchema.extend({
  /** Absent only for a membership made before memberships started changes. */
  changeId: IdSchema.optional(),
}).meta({ id: 'MembershipAdded' });
export type MembershipAdded = z.infer<typeof MembershipAddedSchema>;

/** Response of removing a researcher from a project: the `membership-ended` change it started. */
export const MembershipRemovedSchema = MembershipRefSchema.extend({ changeId: IdSchema }).meta({
  id: 'MembershipRemoved',
});
export type MembershipRemoved = z.infer<typeof MembershipRemovedSchema>;

/** A page of ids, as returned by list endpoints. */
export const ProjectRefPageSchema = z
  .object({ items: z.array(z.object({ projectId: IdSchema })), nextToken: z.string().optional() })
  .meta({ id: 'ProjectRefPage' });
export type ProjectRefPage = z.infer<typeof ProjectRefPageSchema>;
