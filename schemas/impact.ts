import * as z from 'zod';
import {
  ClassificationSchema,
  IdSchema,
  ProjectLevelSchema,
  ProjectStatusSchema,
  RoutesSchema,
} from './common.js';

/** How one project's level would move. */
export const ProjectImpactSchema = z
  .object({
    projectId: IdSchema,
    fromLevel: ProjectLevelSchema,
    toLevel: ProjectLevelSchema,
    fromStatus: ProjectStatusSchema,
    toStatus: ProjectStatusSchema,
  })
  .meta({ id: 'ProjectImpact' });
export type ProjectImpact = z.infer<typeof ProjectImpactSchema>;

/** A researcher who would lose routes on a project. */
export const NarrowedResearcherSchema = z
  .object({
    researcherId: IdSchema,
    projectId: IdSchema,
    removedRoutes: RoutesSchema,
    remainingRoutes: RoutesSchema,
  })
  .meta({ id: 'NarrowedResearcher' });
export type NarrowedResearcher = z.infer<typeof NarrowedResearcherSchema>;

/** Response of `POST /v1/datasets/{datasetId}/access-level/preview`. */
export const ImpactSchema = z
  .object({
    datasetId: IdSchema,
    fromLevel: ClassificationSchema,
    toLevel: ClassificationSchema,
    projects: z.array(ProjectImpactSchema).max(1000),
    narrowed: z.array(NarrowedResearcherSchema).max(1000),
    truncated: z.boolean().meta({
      description: 'Whether `projects` or `narrowed` was cut at 1,000 entries.',
    }),
    projectCount: z
      .int()
      .nonnegative()
      .meta({ description: 'Every project that uses the dataset.' }),
    narrowedCount: z
      .int()
      .nonnegative()
      .meta({ description: 'Every (researcher, project) pair that would lose routes.' }),
  })
  .meta({ id: 'Impact' });
export type Impact = z.infer<typeof ImpactSchema>;

/** A researcher who would gain routes on a project. */
export const WidenedResearcherSchema = z
  .object({
    researcherId: IdSchema,
    projectId: IdSchema,
    addedRoutes: RoutesSchema,
    remainingRoutes: RoutesSchema.meta({ description: 'Every route they would then have.' }),
  })
  .meta({ id: 'WidenedResearcher' });
export type WidenedResearcher = z.infer<typeof WidenedResearcherSchema>;

/**
 * Response of `POST /v1/organisations/{id}/preview` and
 * `POST /v1/researchers/{id}/preview`: who would lose and who would gain
 * routes, on which project, if the body were PUT. A (researcher, project)
 * pair whose change both removes and adds routes is in both lists.
 */
export const StandingImpactSchema = z
  .object({
    narrowed: z.array(NarrowedResearcherSchema).max(1000),
    widened: z.array(WidenedResearcherSchema).max(1000),
    truncated: z.boolean().meta({
      description: 'Whether `narrowed` or `widened` was cut at 1,000 entries.',
    }),
    narrowedCount: z
      .int()
      .nonnegative()
      .meta({ description: 'Every (researcher, project) pair that would lose routes.' }),
    widenedCount: z
      .int()
      .nonnegative()
      .meta({ description: 'Every (researcher, project) pair that would gain routes.' }),
  })
  .meta({ id: 'StandingImpact' });
export type StandingImpact = z.infer<typeof StandingImpactSchema>;
