/**
 * Test order: vitest's own (failed first, then longest first by the last
 * run's durations, or largest first on a fresh clone), except that the
 * files known to take longest always start first. On a fresh clone the
 * model test's two files are the smallest (their code is in
 * `test/reliability/support/model-run.ts`), so vitest's order would start
 * them last and the run would end on them alone: they take 420 to 570 s
 * where no other file takes 120.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The longest files, longest first. */
const LONGEST = [
  'test/reliability/model-interleaved.test.ts',
  'test/reliability/model-isolated.test.ts',
];

const rank = (spec: TestSpecification) => {
  const i = LONGEST.findIndex((path) => spec.moduleId.endsWith(path));
  return i < 0 ? LONGEST.length : i;
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
