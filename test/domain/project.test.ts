import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DatasetLevel,
  routesForLevel,
  summariesEqual,
  summariseProject,
} from '../../functions/domain/index.js';
import { ProjectSummarySchema } from '../../schemas/index.js';
import {
  arbClassification,
  arbDatasets,
  arbShortId,
  datasets,
  isSubset,
  PROPERTY_RUNS,
} from '../support/factories.js';

const ids = (list: readonly { datasetId: string }[]): string[] =>
  list.map((d) => d.datasetId).sort();

describe('summariseProject', () => {
  it('gives a project with no datasets no level, status no-datasets and no routes', () => {
    // Act
    const summary = summariseProject([]);

    // Assert
    expect(summary).toEqual({
      accessLevel: null,
      status: 'no-datasets',
      routes: [],
      limitingDatasets: [],
      datasetCount: 0,
    });
  });

  it('takes the lowest level across the datasets (five level 3 and one level 1 is level 1)', () => {
    // Arrange: the guidance's own example.
    const used = datasets(3, 3, 1, 3, 3, 3);

    // Act
    const summary = summariseProject(used);

    // Assert
    expect(summary.accessLevel).toBe(1);
    expect(summary.status).toBe('ok');
    expect(summary.routes).toEqual(['safe-room', 'safepod']);
    expect(summary.limitingDatasets).toEqual([{ datasetId: 'ds-3', accessLevel: 1 }]);
    expect(summary.datasetCount).toBe(6);
  });

  it('lists every dataset at the project level as limiting, ordered by id', () => {
    // Arrange
    const used: DatasetLevel[] = [
      { datasetId: 'zeta', accessLevel: 2 },
      { datasetId: 'alpha', accessLevel: 3 },
      { datasetId: 'beta', accessLevel: 2 },
    ];

    // Act
    const summary = summariseProject(used);

    // Assert
    expect(summary.limitingDatasets).toEqual([
      { datasetId: 'beta', accessLevel: 2 },
      { datasetId: 'zeta', accessLevel: 2 },
    ]);
  });

  it('is pending classification with no routes while any dataset is unclassified, whatever the others are', () => {
    // Arrange
    const used = datasets(3, null, 0, null);

    // Act
    const summary = summariseProject(used);

    // Assert
    expect(summary).toEqual({
      accessLevel: null,
      status: 'pending-classification',
      routes: [],
      limitingDatasets: [
        { datasetId: 'ds-2', accessLevel: null },
        { datasetId: 'ds-4', accessLevel: null },
      ],
      datasetCount: 4,
    });
  });

  it('gives a project with a level 0 dataset level 0 and no routes', () => {
    const summary = summariseProject(datasets(3, 0, 2));

    expect(summary.accessLevel).toBe(0);
    expect(summary.status).toBe('ok');
    expect(summary.routes).toEqual([]);
  });

  it('has the minimum level, never above any dataset, when every dataset is classified (property)', () => {
    fc.assert(
      fc.property(arbDatasets({ minLength: 1, classified: true }), (used) => {
        const summary = summariseProject(used);
        const levels = used.map((d) => d.accessLevel as number);
        expect(summary.status).toBe('ok');
        expect(summary.accessLevel).toBe(Math.min(...levels));
        for (const level of levels) expect(summary.accessLevel).toBeLessThanOrEqual(level);
        expect(levels).toContain(summary.accessLevel);
      }),
      PROPERTY_RUNS,
    );
  });

  it('derives status from the datasets: no-datasets, pending-classification or ok (property)', () => {
    fc.assert(
      fc.property(arbDatasets(), (used) => {
        const summary = summariseProject(used);
        const expected =
          used.length === 0
            ? 'no-datasets'
            : used.some((d) => d.accessLevel === null)
              ? 'pending-classification'
              : 'ok';
        expect(summary.status).toBe(expected);
        expect(summary.accessLevel === null).toBe(expected !== 'ok');
        expect(summary.datasetCount).toBe(used.length);
      }),
      PROPERTY_RUNS,
    );
  });

  it('lists as limiting exactly the datasets at the project level, or the unclassified ones (property)', () => {
    fc.assert(
      fc.property(arbDatasets(), (used) => {
        const summary = summariseProject(used);
        const expected =
          summary.status === 'pending-classification'
            ? used.filter((d) => d.accessLevel === null)
            : summary.status === 'ok'
              ? used.filter((d) => d.accessLevel === summary.accessLevel)
              : [];
        expect(ids(summary.limitingDatasets)).toEqual(ids(expected));
        for (const d of summary.limitingDatasets) expect(d.accessLevel).toBe(summary.accessLevel);
        const order = summary.limitingDatasets.map((d) => d.datasetId);
        expect(order).toEqual([...order].sort());
      }),
      PROPERTY_RUNS,
    );
  });

  it('conforms to the ProjectSummary schema of the API (property)', () => {
    fc.assert(
      fc.property(arbDatasets(), (used) => {
        expect(ProjectSummarySchema.safeParse(summariseProject(used)).success).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('permits exactly the routes of its level (property)', () => {
    fc.assert(
      fc.property(arbDatasets(), (used) => {
        const summary = summariseProject(used);
        expect(summary.routes).toEqual(routesForLevel(summary.accessLevel));
      }),
      PROPERTY_RUNS,
    );
  });

  it('never widens its routes when a dataset is added to a project that has datasets (property)', () => {
    fc.assert(
      fc.property(
        arbDatasets({ minLength: 1 }),
        arbShortId,
        arbClassification,
        (used, newId, newLevel) => {
          fc.pre(!used.some((d) => d.datasetId === newId));
          const before = summariseProject(used);
          const after = summariseProject([...used, { datasetId: newId, accessLevel: newLevel }]);
          expect(isSubset(after.routes, before.routes)).toBe(true);
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('never narrows its routes when a dataset is removed and at least one remains (property)', () => {
    fc.assert(
      fc.property(arbDatasets({ minLength: 2 }), fc.nat(), (used, pick) => {
        const index = pick % used.length;
        const before = summariseProject(used);
        const after = summariseProject(used.filter((_, i) => i !== index));
        expect(isSubset(before.routes, after.routes)).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('falls back to no routes when its last dataset is removed (fail closed, no-datasets)', () => {
    // Arrange
    const before = summariseProject(datasets(3));

    // Act
    const after = summariseProject([]);

    // Assert
    expect(before.routes).toHaveLength(4);
    expect(after.status).toBe('no-datasets');
    expect(after.routes).toEqual([]);
  });

  it('does not depend on the order of its datasets (property)', () => {
    fc.assert(
      fc.property(
        arbDatasets().chain((used) =>
          fc.tuple(fc.constant(used), fc.shuffledSubarray(used, { minLength: used.length })),
        ),
        ([used, shuffled]) => {
          expect(summariesEqual(summariseProject(used), summariseProject(shuffled))).toBe(true);
        },
      ),
      PROPERTY_RUNS,
    );
  });
});

describe('summariesEqual', () => {
  it('tells apart summaries that differ only in their limiting datasets', () => {
    // Arrange
    const a = summariseProject(datasets(2, 3));
    const b = summariseProject([
      { datasetId: 'other', accessLevel: 2 },
      { datasetId: 'ds-2', accessLevel: 3 },
    ]);

    // Act / Assert
    expect(a.accessLevel).toBe(b.accessLevel);
    expect(summariesEqual(a, b)).toBe(false);
    expect(summariesEqual(a, summariseProject(datasets(2, 3)))).toBe(true);
  });

  it('tells apart summaries that differ only in their dataset count', () => {
    expect(
      summariesEqual(summariseProject(datasets(2, 3)), summariseProject(datasets(2, 3, 3))),
    ).toBe(false);
  });
});
