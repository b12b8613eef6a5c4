import * as z from 'zod';
import {
  AccessLevelSchema,
  ClassificationSchema,
  IdSchema,
  LabelSchema,
  ReasonSchema,
  TimestampSchema,
  VersionSchema,
} from './common.js';

/** A dataset of the metadata catalogue with its access level. */
export const DatasetSchema = z
  .object({
    datasetId: IdSchema,
    title: LabelSchema,
    owner: LabelSchema.optional(),
    accessLevel: ClassificationSchema,
    version: VersionSchema,
    updatedAt: TimestampSchema,
    updatedBy: z.string(),
  })
  .meta({ id: 'Dataset' });
export type Dataset = z.infer<typeof DatasetSchema>;

/**
 * Answer of `PUT /v1/datasets/{datasetId}`: the dataset and the change that
 * brought its level to what it is (absent while no level was ever set).
 */
export const DatasetWriteResultSchema = DatasetSchema.extend({
  changeId: IdSchema.optional(),
}).meta({ id: 'DatasetWriteResult' });
export type DatasetWriteResult = z.infer<typeof DatasetWriteResultSchema>;

/** Body of `PUT /v1/datasets/{datasetId}`. */
export const DatasetPutBodySchema = z
  .strictObject({
    title: LabelSchema,
    accessLevel: ClassificationSchema.optional(),
    owner: LabelSchema.optional(),
    reason: ReasonSchema.optional(),
  })
  .meta({ id: 'DatasetPutBody' });
export type DatasetPutBody = z.infer<typeof DatasetPutBodySchema>;

/** Body of `PUT /v1/datasets/{datasetId}/access-level`. */
export const AccessLevelChangeBodySchema = z
  .strictObject({ accessLevel: AccessLevelSchema, reason: ReasonSchema })
  .meta({ id: 'AccessLevelChangeBody' });
export type AccessLevelChangeBody = z.infer<typeof AccessLevelChangeBodySchema>;

/** Body of `POST /v1/datasets/{datasetId}/access-level/preview`: a level, or `null` to preview unclassifying. */
export const AccessLevelPreviewBodySchema = z
  .strictObject({ accessLevel: ClassificationSchema })
  .meta({ id: 'AccessLevelPreviewBody' });
export type AccessLevelPreviewBody = z.infer<typeof AccessLevelPreviewBodySchema>;

/** One dataset of a bulk import (JSON body or a CSV row). */
export const DatasetImportRowSchema = z
  .strictObject({
    datasetId: IdSchema,
    title: LabelSchema,
    accessLevel: ClassificationSchema.optional(),
    owner: LabelSchema.optional(),
  })
  .meta({ id: 'DatasetImportRow' });
export type DatasetImportRow = z.infer<typeof DatasetImportRowSchema>;

/** JSON body of `POST /v1/dataset-imports`. */
export const DatasetImportBodySchema = z
  .strictObject({
    datasets: z.array(z.unknown()).max(5000, { error: 'at most 5000 datasets per import' }),
    reason: ReasonSchema.optional(),
  })
  .meta({ id: 'DatasetImportBody' });
export type DatasetImportBody = z.infer<typeof DatasetImportBodySchema>;

/** What the rows of an import did: the counts, the rows refused and the changes started. */
export const ImportOutcomeSchema = z.object({
  created: z.int().min(0),
  updated: z.int().min(0),
  unchanged: z.int().min(0),
  errors: z.array(z.object({ row: z.int().min(1), message: z.string() })),
  changes: z
    .array(z.object({ row: z.int().min(1), datasetId: IdSchema, changeId: IdSchema }))
    .meta({
      description: 'Each row that started a change (its level moved), with the change to wait for.',
    }),
});
export type ImportOutcome = z.infer<typeof ImportOutcomeSchema>;

/** Result of `POST /v1/dataset-imports` applied at once (`200`). */
export const DatasetImportResultSchema = ImportOutcomeSchema.extend({
  complete: z.boolean().meta({
    description:
      'False when the import stopped at its time budget: the rows it did not reach are in `errors` and changed nothing; send them again.',
  }),
}).meta({ id: 'DatasetImportResult' });
export type DatasetImportResult = z.infer<typeof DatasetImportResultSchema>;

/**
 * An import accepted as a job (`202` from `POST /v1/dataset-imports`, then
 * `GET /v1/dataset-imports/{importId}`): its progress and, row by row, what
 * the rows processed so far did.
 */
export const DatasetImportJobSchema = ImportOutcomeSchema.extend({
  importId: IdSchema,
  status: z.enum(['running', 'complete']).meta({
    description: '`complete` once every row has been processed; the counts are then final.',
  }),
  rows: z.int().min(0).meta({ description: 'Rows received.' }),
  processed: z.int().min(0).meta({ description: 'Rows processed so far (applied or refused).' }),
  reason: ReasonSchema,
  createdAt: TimestampSchema,
  createdBy: z.string(),
}).meta({ id: 'DatasetImportJob' });
export type DatasetImportJob = z.infer<typeof DatasetImportJobSchema>;

/** Response of `PUT /v1/datasets/{datasetId}/access-level`. */
export const AccessLevelChangeResultSchema = z
  .object({ dataset: DatasetSchema, changeId: IdSchema })
  .meta({ id: 'AccessLevelChangeResult' });
export type AccessLevelChangeResult = z.infer<typeof AccessLevelChangeResultSchema>;
