/**
 * Vitest setup file: when a test file ends, drop every table it created
 * with `freshTable` and did not drop itself, so that a shared DynamoDB
 * Local does not fill up over the run.
 */
import { afterAll } from 'vitest';
import { dropOpenTables } from '../support/dynamo.js';

afterAll(async () => {
  await dropOpenTables();
});
