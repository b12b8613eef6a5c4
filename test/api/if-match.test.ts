/**
 * `If-Match` on every PUT of a versioned resource: the GET and the PUT carry
 * `ETag: "<version>"`, a stale or unmet `If-Match` is a `412` that names the
 * current version and changes nothing, and the current one lets the write
 * through. Writes that can change derived state answer with their `changeId`.
 */
import { describe, expect, it } from 'vitest';
import { fullAoc } from '../support/factories.js';
import { expectProblem, getAs, OWN_RESEARCHER, seededApi, send, snapshot } from './support.js';

const api = seededApi('api-if-match');

/** Each PUT of a versioned resource: where it is read, and a valid body to write. */
const RESOURCES = [
  {
    name: 'dataset',
    path: '/v1/datasets/d-2',
    read: '/v1/datasets/d-2',
    body: { title: 'Retitled dataset', accessLevel: 1 },
    missing: '/v1/datasets/d-none',
  },
  {
    name: 'project',
    path: '/v1/projects/p-1',
    read: undefined,
    body: { title: 'Retitled project' },
    missing: '/v1/projects/p-none',
  },
  {
    name: 'organisation',
    path: '/v1/organisations/org-full',
    read: '/v1/organisations/org-full',
    body: { name: 'Renamed organisation', agreements: fullAoc() },
    missing: '/v1/organisations/org-none',
  },
  {
    name: 'researcher',
    path: `/v1/researchers/${OWN_RESEARCHER}`,
    read: undefined,
    body: {
      name: 'Ada Renamed',
      email: 'ada.renamed@example.org',
      organisationId: 'org-full',
      accreditation: { status: 'accredited', ararSignedAt: '2025-01-01', homeAddressOnFile: true },
    },
    missing: '/v1/researchers/r-none',
  },
] as const;

const put = (path: string, json: unknown, ifMatch?: string) =>
  send(
    api.app,
    {
      method: 'PUT',
      path,
      json,
      ...(ifMatch !== undefined && { headers: { 'if-match': ifMatch } }),
    },
    api.tokens.admin,
  );

describe.each(RESOURCES)('PUT of a $name', (resource) => {
  it('answers a stale If-Match with 412 naming the current version, and changes nothing', async () => {
    const before = await snapshot(api.ctx);
    const res = await put(resource.path, resource.body, '"99"');
    const problem = await expectProblem(res, 412);
    expect(problem.detail).toMatch(/not 99/);
    expect(res.headers.get('etag')).toMatch(/^"\d+"$/);
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('answers an If-Match on something that does not exist with 412, creating nothing', async () => {
    const before = await snapshot(api.ctx);
    const res = await put(resource.missing, resource.body, '"1"');
    const problem = await expectProblem(res, 412);
    expect(problem.detail).toMatch(/version none/);
    expect(res.headers.get('etag')).toBeNull();
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('writes with the current version, answering the new one in ETag', async () => {
    // Arrange: the version now, from the resource's own GET where it has one.
    let current: string | null;
    if (resource.read) {
      const read = await getAs(api, resource.read, 'admin');
      expect(read.status).toBe(200);
      current = read.headers.get('etag');
    } else {
      current = (await put(resource.path, resource.body)).headers.get('etag');
    }
    expect(current).toMatch(/^"\d+"$/);

    // Act: a real change, made on the version read.
    const changed = {
      ...resource.body,
      ...('title' in resource.body ? { title: 'Again' } : { name: 'Again' }),
    };
    const res = await put(resource.path, changed, current ?? '');

    // Assert
    expect(res.status, await res.clone().text()).toBe(200);
    const version = Number((current ?? '').replaceAll('"', ''));
    expect(res.headers.get('etag')).toBe(`"${version + 1}"`);
    // The old version is stale now.
    await expectProblem(await put(resource.path, resource.body, current ?? ''), 412);
  });
});

describe('writes that can change derived state', () => {
  it('answer with their changeId in the body', async () => {
    // d-1 limits p-1: lowering it is a change to derived state.
    const lowered = { title: 'Lowered', accessLevel: 2, reason: 'reviewed' };
    const dataset = await put('/v1/datasets/d-1', lowered);
    expect(dataset.status).toBe(200);
    const body = (await dataset.json()) as { changeId?: string };
    expect(body.changeId).toMatch(/./);
    expect(body.changeId).toBe(dataset.headers.get('change-id'));
    // Unchanged: the change that brought it to this state.
    const again = await put('/v1/datasets/d-1', lowered);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { changeId?: string }).changeId).toBe(body.changeId);
  });
});
