import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ContentionError, isUnavailable, NotFoundError } from '../../functions/store/index.js';

const $metadata = {};
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata,
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const socketError = (name: string, code?: string) =>
  Object.assign(new Error('socket'), { name, ...(code && { code }) });

describe('failures the caller may retry later', () => {
  it.each([
    ['throttling', new ThrottlingException({ message: 'slow down', $metadata })],
    [
      'provisioned throughput exceeded',
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata }),
    ],
    ['a socket timeout', socketError('TimeoutError', 'ETIMEDOUT')],
    ['a reset connection', socketError('Error', 'ECONNRESET')],
    ['contention the store gave up on', new ContentionError('kept conflicting')],
    ['a transaction cancelled by a conflict', cancelled('None', 'TransactionConflict')],
    ['a transaction cancelled by throttling', cancelled('ThrottlingError', 'None')],
  ])('include %s', (_label, err) => {
    expect(isUnavailable(err)).toBe(true);
  });

  it.each([
    ['a failed condition', new ConditionalCheckFailedException({ message: 'no', $metadata })],
    [
      'a transaction whose condition failed',
      cancelled('ConditionalCheckFailed', 'TransactionConflict'),
    ],
    ['a store error about the request', new NotFoundError('dataset', 'd1')],
    ['a programming error', new TypeError('x is undefined')],
    ['nothing at all', undefined],
  ])('exclude %s', (_label, err) => {
    expect(isUnavailable(err)).toBe(false);
  });
});
