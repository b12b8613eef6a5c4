import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  CONFLICT_ATTEMPTS,
  ContentionError,
  documentClient,
  isTransientConflict,
} from '../../functions/store/index.js';
import { localClientConfig } from '../../local/table-setup.js';
import { dynamoEndpoint, freshTable } from '../support/dynamo.js';

const conflict = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client whose first `failures` transactional writes are refused with `error`. */
function clientFailing(failures: number, error: () => Error) {
  const ddb = new DynamoDBClient(localClientConfig(dynamoEndpoint()));
  let calls = 0;
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && ++calls <= failures) throw error();
      return next(args);
    },
    { step: 'initialize', name: 'refuse' },
  );
  return { doc: documentClient(ddb), calls: () => calls };
}

const put = (tableName: string) =>
  new TransactWriteCommand({
    TransactItems: [{ Put: { TableName: tableName, Item: { pk: 'k', sk: 'k', type: 'x' } } }],
  });

describe('writes refused by a concurrent transaction', () => {
  it('are retried until they go through', async () => {
    const { tableName, clients } = await freshTable('conflict');
    const { doc, calls } = clientFailing(3, () => conflict(['None', 'TransactionConflict']));

    await doc.send(put(tableName));

    expect(calls()).toBe(4);
    const out = await clients.doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'k', sk: 'k' } }),
    );
    expect(out.Item).toBeDefined();
  });

  it('surface as ContentionError after the last attempt, with nothing written', async () => {
    const { tableName, clients } = await freshTable('conflict');
    const { doc, calls } = clientFailing(100, () => conflict(['TransactionConflict']));

    await expect(doc.send(put(tableName))).rejects.toBeInstanceOf(ContentionError);

    expect(calls()).toBe(CONFLICT_ATTEMPTS);
    const out = await clients.doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'k', sk: 'k' } }),
    );
    expect(out.Item).toBeUndefined();
  });

  it('are not retried when a condition failed too: the condition is the answer', async () => {
    const { tableName } = await freshTable('conflict');
    const { doc, calls } = clientFailing(1, () =>
      conflict(['ConditionalCheckFailed', 'TransactionConflict']),
    );

    await expect(doc.send(put(tableName))).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(calls()).toBe(1);
  });

  it('recognises the standalone TransactionConflictException', () => {
    const err = Object.assign(new Error('conflict'), { name: 'TransactionConflictException' });
    expect(isTransientConflict(err)).toBe(true);
    expect(isTransientConflict(new Error('other'))).toBe(false);
  });
});
