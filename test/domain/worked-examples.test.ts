/**
 * The three worked examples of the SRS guidance (docs/rules.md), from
 * the datasets of a project to the routes of one of its researchers.
 */
import { describe, expect, it } from 'vitest';
import { decideRoutes, summariseProject } from '../../functions/domain/index.js';
import { anAccreditation, datasets, fullAoc, memberOf, NOW, noAoc } from '../support/factories.js';

describe('worked examples of the guidance', () => {
  it('example 1: level 3 datasets, organisation without AOC: safe room and SafePod only', () => {
    // Arrange
    const project = summariseProject(datasets(3, 3, 3));
    const ctx = memberOf(project, { agreements: noAoc(), accreditation: anAccreditation() });

    // Act
    const decision = decideRoutes(ctx, NOW);

    // Assert
    expect(project.accessLevel).toBe(3);
    expect(decision.routes).toEqual(['safe-room', 'safepod']);
    expect(decision.denied).toEqual([
      { route: 'aoc-office', reasons: ['no-aoc-agreement'] },
      { route: 'aoc-remote', reasons: ['no-aoc-agreement', 'no-remote-agreement'] },
    ]);
  });

  it('example 2: full AOC, one level 1 dataset among level 3 ones: safe room and SafePod only', () => {
    // Arrange: five level 3 datasets and one level 1, as in the guidance.
    const project = summariseProject(datasets(3, 3, 3, 1, 3, 3));
    const ctx = memberOf(project, { agreements: fullAoc(), accreditation: anAccreditation() });

    // Act
    const decision = decideRoutes(ctx, NOW);

    // Assert
    expect(project.accessLevel).toBe(1);
    expect(project.limitingDatasets).toEqual([{ datasetId: 'ds-4', accessLevel: 1 }]);
    expect(decision.routes).toEqual(['safe-room', 'safepod']);
    expect(decision.denied).toEqual([
      { route: 'aoc-office', reasons: ['project-level'] },
      { route: 'aoc-remote', reasons: ['project-level'] },
    ]);
  });

  it('example 3: one organisation with full AOC, two projects of different levels: each follows its own level', () => {
    // Arrange: the same researcher, in the same organisation, on two projects.
    const agreements = fullAoc();
    const accreditation = anAccreditation();
    const levelTwo = summariseProject(datasets(3, 2, 3));
    const levelThree = summariseProject(datasets(3, 3));

    // Act
    const onLevelTwo = decideRoutes(memberOf(levelTwo, { agreements, accreditation }), NOW);
    const onLevelThree = decideRoutes(memberOf(levelThree, { agreements, accreditation }), NOW);

    // Assert
    expect(levelTwo.accessLevel).toBe(2);
    expect(onLevelTwo.routes).toEqual(['safe-room', 'safepod', 'aoc-office']);
    expect(onLevelTwo.denied).toEqual([{ route: 'aoc-remote', reasons: ['project-level'] }]);
    expect(levelThree.accessLevel).toBe(3);
    expect(onLevelThree.routes).toEqual(['safe-room', 'safepod', 'aoc-office', 'aoc-remote']);
    expect(onLevelThree.denied).toEqual([]);
  });
});
