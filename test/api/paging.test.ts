/**
 * Paging on every list: following `nextToken` visits every item exactly once
 * and in order, and a token that is forged, malformed or from another list is
 * a 400 naming `nextToken`, never a 500.
 */
import { describe, expect, it } from 'vitest';
import { setDatasetLevel } from '../../functions/store/index.js';
import { ACTOR, aDataset, aProject } from '../support/seed.js';
import { applyChange, expectProblem, getAs, OWN_RESEARCHER, seededApi, send } from './support.js';

const PROJECTS = 7;
const LEVEL_CHANGES = 6;

const api = seededApi('paging', async (ctx) => {
  await aDataset(ctx, 'd-many', 3);
  await aDataset(ctx, 'd-none', 3);
  for (let i = 0; i < PROJECTS; i++) {
    for (const id of await aProject(ctx, `p-many-${i}`, ['d-many'], [OWN_RESEARCHER])) {
      await applyChange(ctx, id);
    }
  }
  // Alternate 3 → 1 → 3 ...: each lowering notifies r-own once per project.
  for (let i = 0; i < LEVEL_CHANGES; i++) {
    const level = i % 2 === 0 ? 1 : 3;
    const { changeId } = await setDatasetLevel(ctx, 'd-many', level, `step ${i}`, ACTOR);
    await applyChange(ctx, changeId);
  }
});

/** Every item of a list, page by page with `limit`, and the number of pages. */
async function walk(path: string, limit: number, token = api.tokens.admin) {
  const items: unknown[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const query = `limit=${limit}${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`;
    const res = await send(api.app, { method: 'GET', path: `${path}?${query}` }, token);
    expect(res.status, `${path} page ${pages + 1}`).toBe(200);
    const body = (await res.json()) as { items: unknown[]; nextToken?: string };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    next = body.nextToken;
    pages++;
  } while (next !== undefined && pages < 100);
  return { items, pages };
}

const LISTS = [
  ['dataset history', '/v1/datasets/d-many/history', 1 + LEVEL_CHANGES],
  ['projects of a dataset', '/v1/datasets/d-many/projects', PROJECTS],
  [
    "a researcher's notifications",
    `/v1/researchers/${OWN_RESEARCHER}/notifications`,
    PROJECTS * (LEVEL_CHANGES / 2),
  ],
] as const;

describe.each(LISTS)('%s', (_, path, total) => {
  it('pages through every item exactly once, in the order of one page', async () => {
    const whole = await walk(path, 100);
    expect(whole.items).toHaveLength(total);
    expect(whole.pages).toBe(1);
    const paged = await walk(path, 2);
    expect(paged.pages).toBe(Math.ceil(total / 2));
    expect(paged.items).toEqual(whole.items);
  });

  it.each([
    ['characters outside base64url', '!!not-a-token!!'],
    ['base64url of text that is not JSON', Buffer.from('hello').toString('base64url')],
    ['base64url of JSON of the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['base64url of a JSON array', Buffer.from('[1,2]').toString('base64url')],
    [
      'a key of another partition',
      Buffer.from(JSON.stringify({ pk: 'DATASET#d-1', sk: 'DATASET' })).toString('base64url'),
    ],
  ])('refuses a token with %s: 400 naming nextToken', async (_, token) => {
    const res = await getAs(api, `${path}?nextToken=${encodeURIComponent(token)}`, 'admin');
    const body = await expectProblem(res, 400);
    expect(JSON.stringify(body)).toContain('nextToken');
  });

  it.each(['0', '101', '-1', '1.5', 'ten'])('refuses limit=%s with 400', async (limit) => {
    const res = await getAs(api, `${path}?limit=${limit}`, 'admin');
    const body = await expectProblem(res, 400);
    expect(JSON.stringify(body)).toContain('limit');
  });
});

describe('a token belongs to its own list', () => {
  async function firstToken(path: string): Promise<string> {
    const res = await getAs(api, `${path}?limit=1`, 'admin');
    const token = ((await res.json()) as { nextToken?: string }).nextToken;
    expect(token).toBeDefined();
    return token as string;
  }

  it.each([
    ['history', '/v1/datasets/d-many/history', '/v1/datasets/d-none/history'],
    ['projects', '/v1/datasets/d-many/projects', '/v1/datasets/d-1/projects'],
    ['history → projects', '/v1/datasets/d-many/history', '/v1/datasets/d-many/projects'],
    ['projects → history', '/v1/datasets/d-many/projects', '/v1/datasets/d-many/history'],
    [
      'notifications → history',
      `/v1/researchers/${OWN_RESEARCHER}/notifications`,
      '/v1/datasets/d-many/history',
    ],
  ])('refuses a token of another list (%s) with 400', async (_, from, to) => {
    const token = await firstToken(from);
    const res = await getAs(api, `${to}?nextToken=${encodeURIComponent(token)}`, 'admin');
    await expectProblem(res, 400);
  });

  it('pages with the default limit of 50', async () => {
    for (let i = 0; i < 51; i++) {
      for (const id of await aProject(api.ctx, `p-wide-${i}`, ['d-none'], [])) {
        await applyChange(api.ctx, id);
      }
    }
    const res = await getAs(api, '/v1/datasets/d-none/projects', 'admin');
    const body = (await res.json()) as { items: unknown[]; nextToken?: string };
    expect(body.items).toHaveLength(50);
    expect(body.nextToken).toBeDefined();
  });

  it('refuses a history token keyed on the dataset instead of its audit trail with 400, not 500', async () => {
    const token = Buffer.from(
      JSON.stringify({ pk: 'DATASET#d-many', sk: 'AUDIT#2026-01-01T00:00:00.000Z#a' }),
    ).toString('base64url');
    const res = await getAs(api, `/v1/datasets/d-many/history?nextToken=${token}`, 'admin');
    await expectProblem(res, 400);
  });
});
