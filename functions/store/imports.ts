/**
 * Import jobs: a large import is stored as a head and chunks of rows; each
 * chunk's insertion starts its processing on the stream (the `changes`
 * consumer), and its `result` is written in the same transaction as its rows,
 * so that a chunk redelivered, retried or processed twice at once applies its
 * rows once and reports exactly what that one application did.
 */
import type { z } from 'zod';
import {
  type DatasetImportJob,
  type ImportChunkItem,
  ImportChunkItemSchema,
  type ImportEntry,
  type ImportJobItem,
  ImportJobItemSchema,
  type ImportOutcome,
} from '../../schemas/index.js';
import type { StoreContext } from './context.js';
import { type DatasetWrite, MAX_ITEMS_PER_DATASET, planDatasets } from './datasets.js';
import { StoreError } from './errors.js';
import { keys, prefixes } from './keys.js';
import { getParsed } from './read.js';
import { queryPartition } from './scan.js';
import { MAX_TRANSACTION_ITEMS, optimisticWrite, type TransactItem, transact } from './write.js';

/** Rows per chunk: every row's items and the chunk's result fit in one transaction. */
export const IMPORT_CHUNK_ROWS = Math.floor((MAX_TRANSACTION_ITEMS - 1) / MAX_ITEMS_PER_DATASET);

/** What a new import job is made of. */
export interface NewImportJob {
  readonly importId: string;
  readonly reason: string;
  readonly actor: string;
  /** Every row received, in order: each a valid row or a refused one. */
  readonly entries: readonly ImportEntry[];
}

/** An empty outcome, to count rows into with {@link countRow}. */
export const emptyOutcome = (): ImportOutcome => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  errors: [],
  changes: [],
});

/** Counts one row's write (or the error that refused it) into `outcome`. */
export function countRow(
  outcome: ImportOutcome,
  row: number,
  datasetId: string,
  write: DatasetWrite | StoreError,
): void {
  if (write instanceof StoreError) {
    outcome.errors.push({ row, message: write.message });
    return;
  }
  outcome[write.outcome]++;
  if (write.outcome !== 'unchanged' && write.changeId !== undefined) {
    outcome.changes.push({ row, datasetId, changeId: write.changeId });
  }
}

/**
 * Stores a new import job: its head first, then its chunks, whose stream
 * records start the processing. Answers the job as a poll would right away.
 */
export async function createImportJob(
  ctx: StoreContext,
  job: NewImportJob,
): Promise<DatasetImportJob> {
  const chunks: ImportEntry[][] = [];
  for (let i = 0; i < job.entries.length; i += IMPORT_CHUNK_ROWS) {
    chunks.push(job.entries.slice(i, i + IMPORT_CHUNK_ROWS));
  }
  const head: ImportJobItem = {
    importId: job.importId,
    rows: job.entries.length,
    chunks: chunks.length,
    reason: job.reason,
    createdAt: ctx.now().toISOString(),
    createdBy: job.actor,
  };
  // The head and the chunks go in transactions of up to 100 items, the head in the first:
  // a job of up to 99 chunks appears whole or not at all, and the `changes` consumer meets
  // no chunk before its transaction has committed. (A 1 MB body makes at most a few MB of
  // chunks, inside a transaction's 4 MB.)
  const items: TransactItem[] = [
    {
      Put: {
        TableName: ctx.tableName,
        Item: { ...keys.importJob(job.importId), type: 'import', ...head },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    // The job's id is new: nothing else writes its chunks, so they need no condition.
    ...chunks.map((entries, index): TransactItem => {
      const chunk: ImportChunkItem = {
        importId: job.importId,
        index,
        size: entries.length,
        reason: job.reason,
        actor: job.actor,
        entries,
      };
      return {
        Put: {
          TableName: ctx.tableName,
          Item: { ...keys.importChunk(job.importId, index), type: 'import-chunk', ...chunk },
        },
      };
    }),
  ];
  for (let i = 0; i < items.length; i += MAX_TRANSACTION_ITEMS) {
    const failed = await transact(ctx, items.slice(i, i + MAX_TRANSACTION_ITEMS));
    // Only the head has a condition, and its id is fresh: a failure here is not a conflict to retry.
    if (failed) throw failed.cause;
  }
  return jobView(head, []);
}

/** An import job with its progress and the outcome of every chunk processed so far, or `undefined`. */
export async function getImportJob(
  ctx: StoreContext,
  importId: string,
): Promise<DatasetImportJob | undefined> {
  const head = await getParsed(ctx, keys.importJob(importId), ImportJobItemSchema, true);
  if (head === undefined) return undefined;
  // The results only: a poll never reads the rows back.
  const done: ChunkResult[] = [];
  const pk = keys.importJob(importId).pk;
  for await (const item of queryPartition(ctx, pk, prefixes.chunk, ['size', 'result'])) {
    const chunk = ChunkResultSchema.parse(item);
    if (chunk.result !== undefined) done.push(chunk);
  }
  return jobView(head, done);
}

/** What a poll reads of a chunk. */
const ChunkResultSchema = ImportChunkItemSchema.pick({ size: true, result: true });
type ChunkResult = z.infer<typeof ChunkResultSchema>;

function jobView(head: ImportJobItem, done: readonly ChunkResult[]): DatasetImportJob {
  const total = emptyOutcome();
  let processed = 0;
  for (const chunk of done) {
    const result = chunk.result as ImportOutcome;
    total.created += result.created;
    total.updated += result.updated;
    total.unchanged += result.unchanged;
    total.errors.push(...result.errors);
    total.changes.push(...result.changes);
    processed += chunk.size;
  }
  total.errors.sort((a, b) => a.row - b.row);
  total.changes.sort((a, b) => a.row - b.row);
  return {
    importId: head.importId,
    status: done.length === head.chunks ? 'complete' : 'running',
    rows: head.rows,
    processed,
    ...total,
    reason: head.reason,
    createdAt: head.createdAt,
    createdBy: head.createdBy,
  };
}

/**
 * Processes one chunk of an import job, once: reads the chunk (a chunk that
 * has its result is done, and its result is answered again), plans its rows
 * from one batch read, and writes them with the chunk's result in one
 * transaction. A row that moved since the read, or a second processing that
 * got there first, fails the transaction's conditions, and the chunk is read
 * and planned again. Answers the chunk's outcome, or `undefined` for a chunk
 * that does not exist.
 */
export async function applyImportChunk(
  ctx: StoreContext,
  importId: string,
  index: number,
): Promise<ImportOutcome | undefined> {
  const key = keys.importChunk(importId, index);
  return optimisticWrite<ImportOutcome | undefined>(ctx, {
    subject: `import '${importId}' chunk ${index}`,
    attempt: async () => {
      const chunk = await getParsed(ctx, key, ImportChunkItemSchema, true);
      if (chunk === undefined || chunk.result !== undefined) return { result: chunk?.result };
      const rows = chunk.entries.flatMap((e) => ('message' in e ? [] : [e]));
      const { results, planned } = await planDatasets(
        ctx,
        rows.map(({ row: _, datasetId, ...body }) => ({
          datasetId,
          body: { ...body, reason: chunk.reason },
        })),
        chunk.actor,
      );
      for (const p of planned) results[p.index] = p.write;
      const result = emptyOutcome();
      for (const entry of chunk.entries) {
        if ('message' in entry) result.errors.push({ row: entry.row, message: entry.message });
      }
      rows.forEach(({ row, datasetId }, i) => {
        countRow(result, row, datasetId, results[i] as DatasetWrite | StoreError);
      });
      result.errors.sort((a, b) => a.row - b.row);
      return {
        result,
        items: [
          ...planned.flatMap((p) => p.items),
          {
            Update: {
              TableName: ctx.tableName,
              Key: key,
              UpdateExpression: 'SET #result = :result',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#result)',
              ExpressionAttributeNames: { '#result': 'result' },
              ExpressionAttributeValues: { ':result': result },
            },
          },
        ],
      };
    },
  });
}
