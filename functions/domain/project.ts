import type { Classification, ProjectSummary } from '../../schemas/index.js';
import { routesForLevel } from './routes.js';

/** The minimum a summary needs of each dataset a project uses. */
export interface DatasetLevel {
  readonly datasetId: string;
  readonly accessLevel: Classification;
}

/**
 * A project's access from its datasets: the lowest level across them, or no
 * level while any is unclassified or there are none. Limiting datasets are
 * those at the project level (or the unclassified ones), ordered by id.
 */
export function summariseProject(datasets: readonly DatasetLevel[]): ProjectSummary {
  const datasetCount = datasets.length;
  if (datasetCount === 0) {
    return {
      accessLevel: null,
      status: 'no-datasets',
      routes: [],
      limitingDatasets: [],
      datasetCount,
    };
  }
  const byId = (a: DatasetLevel, b: DatasetLevel) => (a.datasetId < b.datasetId ? -1 : 1);
  const unclassified = datasets.filter((d) => d.accessLevel === null);
  if (unclassified.length > 0) {
    return {
      accessLevel: null,
      status: 'pending-classification',
      routes: [],
      limitingDatasets: unclassified
        .map((d) => ({ datasetId: d.datasetId, accessLevel: null }))
        .sort(byId),
      datasetCount,
    };
  }
  const level = Math.min(...datasets.map((d) => d.accessLevel as number));
  return {
    accessLevel: level,
    status: 'ok',
    routes: routesForLevel(level),
    limitingDatasets: datasets
      .filter((d) => d.accessLevel === level)
      .map((d) => ({ datasetId: d.datasetId, accessLevel: level }))
      .sort(byId),
    datasetCount,
  };
}

/** Whether two summaries differ in what a reader of the project's access would see. */
export function summariesEqual(a: ProjectSummary, b: ProjectSummary): boolean {
  return (
    a.accessLevel === b.accessLevel &&
    a.status === b.status &&
    a.datasetCount === b.datasetCount &&
    a.routes.join() === b.routes.join() &&
    a.limitingDatasets.length === b.limitingDatasets.length &&
    a.limitingDatasets.every(
      (d, i) =>
        d.datasetId === b.limitingDatasets[i]?.datasetId &&
        d.accessLevel === b.limitingDatasets[i]?.accessLevel,
    )
  );
}
