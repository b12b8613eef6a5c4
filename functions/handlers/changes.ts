import { CursorItemSchema } from '../../schemas/index.js';
import { logger } from '../commons/index.js';
import { type PropagationContext, runChangePage } from '../propagation/index.js';
import { contactsFromEnv, lazyHandler, storeContextFromEnv } from './runtime.js';
import { imageOf, streamConsumer } from './stream.js';

/**
 * Stream consumer of change records and fan-out cursors: carries out one
 * page of a change per record.
 */
export function createChangesHandler(ctx: PropagationContext) {
  return streamConsumer(async (record) => {
    const item = imageOf(record, 'NewImage');
    if (item?.type === 'change') {
      const changeId = String(item.changeId);
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
    }
  });
}

/** Lambda entry point. */
export const handler = lazyHandler(() =>
  createChangesHandler({ ...storeContextFromEnv(), contacts: contactsFromEnv() }),
);
