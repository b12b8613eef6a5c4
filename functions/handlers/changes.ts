import { CursorItemSchema, ImportChunkItemSchema } from '../../schemas/index.js';
import { logger } from '../commons/index.js';
import { type PropagationContext, runChangePage } from '../propagation/index.js';
import { applyImportChunk, isBornApplied } from '../store/index.js';
import { contactsFromEnv, lazyHandler, storeContextFromEnv } from './runtime.js';
import { imageOf, streamConsumer } from './stream.js';

/**
 * Stream consumer of change records and fan-out cursors, which carries out
 * one page of a change per record, and of import chunks, which applies one
 * chunk of an import job per record. Records run in order: a change of a
 * researcher's or an organisation's standing judges narrowing against the
 * summaries as they are, so it must not overtake an earlier dataset change
 * of the same batch (run in parallel, the pipeline-faults test saw such a
 * pair notify one narrowing twice, under two causes), and a record delivered
 * twice in one batch must not run its page twice at once (the model test saw
 * the slower of two such runs claim a notice after the faster one had
 * counted the change's notices and applied it).
 */
export function createChangesHandler(ctx: PropagationContext) {
  return streamConsumer(async (record) => {
    const item = imageOf(record, 'NewImage');
    if (item?.type === 'change') {
      const changeId = String(item.changeId);
      if (isBornApplied(item)) return;
      const outcome = await runChangePage(ctx, changeId, 0);
      logger.info('change page', { changeId, page: 0, outcome });
    } else if (item?.type === 'cursor') {
      const cursor = CursorItemSchema.parse(item);
      const outcome = await runChangePage(
        ctx,
        cursor.changeId,
        cursor.page,
        JSON.parse(cursor.startKey) as Record<string, unknown>,
      );
      logger.info('change page', { changeId: cursor.changeId, page: cursor.page, outcome });
    } else if (item?.type === 'import-chunk') {
      const { importId, index } = ImportChunkItemSchema.parse(item);
      const outcome = await applyImportChunk(ctx, importId, index);
      logger.info('import chunk', {
        importId,
        index,
        ...(outcome && {
          created: outcome.created,
          updated: outcome.updated,
          unchanged: outcome.unchanged,
          errors: outcome.errors.length,
        }),
      });
    }
  });
}

/** Lambda entry point. */
export const handler = lazyHandler(() =>
  createChangesHandler({ ...storeContextFromEnv(), contacts: contactsFromEnv() }),
);
