/**
 * Vitest setup file: in a tier that leases (`dynamodb-broker.ts`), the file
 * takes a fresh DynamoDB Local before it is loaded and gives it back when it
 * ends, after `tables.ts` has dropped its tables.
 */
import { afterAll, inject } from 'vitest';
import { leased, useLeased } from '../support/dynamo.js';

const broker = inject('dynamoBroker');

async function call(path: string, body?: unknown): Promise<string> {
  const res = await fetch(`${broker}${path}`, {
    method: 'POST',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`DynamoDB Local broker ${path}: ${text}`);
  return text;
}

if (broker !== '') {
  useLeased(await call('/lease'));
  afterAll(async () => {
    const lease = leased();
    if (lease !== undefined) await call('/release', lease);
  });
}
