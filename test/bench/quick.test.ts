/**
 * `npm run bench -- --quick` in process, on the test run's DynamoDB Local:
 * every benchmark runs small and must work (every required key of
 * `bench/results.json`, one DynamoDB request per access query, a clean
 * invariant check, every notice delivered). It measures nothing, so its
 * timeout is generous: a loaded CI machine runs it several times slower.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runBenchmarks } from '../../bench/bench.js';
import { sharedDynamo } from '../../bench/dynamo.js';
import { brokenChecks, missingKeys } from '../../bench/results.js';
import { logger } from '../../functions/commons/index.js';
import { dynamoEndpoint } from '../support/dynamo.js';

describe('bench --quick', () => {
  // The handlers log a line per page and per notice; not wanted in the test output.
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));

  it('runs every benchmark small and reports every required key', async () => {
    // Act
    const results = await runBenchmarks({
      dynamo: sharedDynamo(dynamoEndpoint()),
      quick: true,
      bundlesDir: inject('bundlesDir'),
    });

    // Assert
    expect(missingKeys(results)).toEqual([]);
    expect(results.accessQuery.requestsPerQuery).toBe(1);
    expect(brokenChecks(results)).toEqual([]);
    expect(Object.keys(results.coldStart.functions).sort()).toEqual(
      ['api', 'changes', 'deliver', 'preToken', 'publish', 'reconcile'].sort(),
    );
  }, 300_000);
});
