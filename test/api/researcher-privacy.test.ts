/**
 * A researcher sees only what concerns themselves and the projects they are
 * a member of; anything else is 403, and the 403 does not reveal whether the
 * project exists.
 */
import { describe, expect, it } from 'vitest';
import { aProject } from '../support/seed.js';
import { applyChange, expectProblem, OWN_RESEARCHER, seededApi, send } from './support.js';

const api = seededApi('researcher-privacy', async (ctx) => {
  // p-2 exists, with a level, and the researcher is not on it.
  for (const id of await aProject(ctx, 'p-2', ['d-2'], [])) await applyChange(ctx, id);
});

describe("a researcher's own access on projects they are not on", () => {
  const own = (projectId: string) => ({
    method: 'GET' as const,
    path: `/v1/projects/${projectId}/researchers/${OWN_RESEARCHER}/access`,
  });

  it('answers their own access on their project', async () => {
    const res = await send(api.app, own('p-1'), api.tokens['researcher-own']);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { projectAccessLevel: number }).projectAccessLevel).toBe(3);
  });

  it('refuses a project they are not on with 403, revealing nothing of it', async () => {
    const res = await send(api.app, own('p-2'), api.tokens['researcher-own']);
    const body = await expectProblem(res, 403);
    expect(JSON.stringify(body)).not.toMatch(/"projectAccessLevel"|not-a-member|"routes"/);
  });

  it('gives the same 403 for an unknown project as for an existing one', async () => {
    const existing = await expectProblem(
      await send(api.app, own('p-2'), api.tokens['researcher-own']),
      403,
    );
    const unknown = await expectProblem(
      await send(api.app, own('p-unknown'), api.tokens['researcher-own']),
      403,
    );
    expect(unknown).toEqual(existing);
  });

  it('still lets a service read a non-member’s access, with not-a-member', async () => {
    const res = await send(api.app, own('p-2'), api.tokens.service);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { routes: string[]; denied: { reasons: string[] }[] };
    expect(body.routes).toEqual([]);
    for (const d of body.denied) expect(d.reasons[0]).toBe('not-a-member');
  });
});
