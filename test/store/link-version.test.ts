/**
 * `advanceLinkVersion` moves a link on to a newer dataset version only while
 * the link still holds the level the caller read, for every level including
 * unclassified (which DynamoDB's `=` cannot compare).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceLinkVersion,
  linkDataset,
  putProject,
  readProjectPartition,
  type StoreContext,
} from '../../functions/store/index.js';
import type { Classification } from '../../schemas/index.js';
import { type FreshTable, freshTable } from '../support/dynamo.js';
import { ACTOR, aDataset } from '../support/seed.js';

let table: FreshTable;
let ctx: StoreContext;

beforeAll(async () => {
  table = await freshTable('link-version');
  ctx = { doc: table.clients.doc, tableName: table.tableName, now: () => new Date() };
});

afterAll(async () => {
  await table?.drop();
});

/** A project `<id>-p` linked to a dataset `<id>-d` at `level` (dataset version 1). */
async function aLink(id: string, level: Classification) {
  await aDataset(ctx, `${id}-d`, level);
  await putProject(ctx, `${id}-p`, 'Project', ACTOR);
  await linkDataset(ctx, `${id}-p`, `${id}-d`, ACTOR);
}

async function linkOf(id: string) {
  const { links } = await readProjectPartition(ctx, `${id}-p`);
  return links.map((l) => ({ accessLevel: l.accessLevel, datasetVersion: l.datasetVersion }));
}

describe('advancing a link to a newer dataset version', () => {
  it.each([null, 0, 3] as const)(
    'moves a link at level %s when the level is the one read',
    async (level) => {
      // Arrange
      const id = `same-${level}`;
      await aLink(id, level);
      // Act
      const moved = await advanceLinkVersion(ctx, `${id}-p`, {
        datasetId: `${id}-d`,
        accessLevel: level,
        datasetVersion: 2,
      });
      // Assert
      expect(moved).toBe(true);
      expect(await linkOf(id)).toEqual([{ accessLevel: level, datasetVersion: 2 }]);
    },
  );

  it.each([
    [null, 0],
    [0, null],
    [1, 2],
  ] as const)('leaves a link at level %s alone when the caller read %s', async (held, read) => {
    // Arrange
    const id = `other-${held}-${read}`;
    await aLink(id, held);
    // Act
    const moved = await advanceLinkVersion(ctx, `${id}-p`, {
      datasetId: `${id}-d`,
      accessLevel: read,
      datasetVersion: 2,
    });
    // Assert
    expect(moved).toBe(false);
    expect(await linkOf(id)).toEqual([{ accessLevel: held, datasetVersion: 1 }]);
  });

  it('leaves a link that already holds that version alone, and reports a missing link', async () => {
    // Arrange
    await aLink('newer', 2);
    // Act and Assert
    expect(
      await advanceLinkVersion(ctx, 'newer-p', {
        datasetId: 'newer-d',
        accessLevel: 2,
        datasetVersion: 1,
      }),
    ).toBe(false);
    expect(
      await advanceLinkVersion(ctx, 'newer-p', {
        datasetId: 'missing-d',
        accessLevel: 2,
        datasetVersion: 2,
      }),
    ).toBe(false);
    expect(await linkOf('newer')).toEqual([{ accessLevel: 2, datasetVersion: 1 }]);
  });
});
