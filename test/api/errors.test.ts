/**
 * Bad and hostile input on every endpoint that takes input: always a problem
 * (400, 413 or 415, never 500), and the table is exactly as it was.
 * Unknown routes and wrong methods are problems too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectProblem, getAs, type RequestSpec, seededApi, send, snapshot } from './support.js';

const api = seededApi('api-errors');

const BAD_IDS = ['_x', '.x', '-x', 'a%2Fb', 'a%20b', '%00', 'x'.repeat(129), 'caf%C3%A9'];

/** Each endpoint that takes input: its method, a path builder and a valid body. */
const INPUTS: Partial<
  Record<string, { method: RequestSpec['method']; path: (id: string) => string; body?: unknown }>
> = {
  putDataset: { method: 'PUT', path: (id) => `/v1/datasets/${id}`, body: { title: 'T' } },
  setDatasetAccessLevel: {
    method: 'PUT',
    path: (id) => `/v1/datasets/${id}/access-level`,
    body: { accessLevel: 1, reason: 'r' },
  },
  previewDatasetAccessLevel: {
    method: 'POST',
    path: (id) => `/v1/datasets/${id}/access-level/preview`,
    body: { accessLevel: 1 },
  },
  importDatasets: {
    method: 'POST',
    path: () => '/v1/dataset-imports',
    body: { datasets: [{ datasetId: 'x', title: 'T' }] },
  },
  getDatasetImport: { method: 'GET', path: (id) => `/v1/dataset-imports/${id}` },
  putProject: { method: 'PUT', path: (id) => `/v1/projects/${id}`, body: { title: 'T' } },
  linkProjectDataset: { method: 'PUT', path: (id) => `/v1/projects/p-1/datasets/${id}` },
  unlinkProjectDataset: { method: 'DELETE', path: (id) => `/v1/projects/${id}/datasets/d-1` },
  addProjectResearcher: { method: 'PUT', path: (id) => `/v1/projects/p-1/researchers/${id}` },
  removeProjectResearcher: {
    method: 'DELETE',
    path: (id) => `/v1/projects/${id}/researchers/r-own`,
  },
  checkAccess: {
    method: 'POST',
    path: () => '/v1/access-checks',
    body: { projectId: 'p-1', researcherId: 'r-own', route: 'safepod' },
  },
  putOrganisation: {
    method: 'PUT',
    path: (id) => `/v1/organisations/${id}`,
    body: { name: 'N', agreements: {} },
  },
  previewOrganisationChange: {
    method: 'POST',
    path: (id) => `/v1/organisations/${id}/preview`,
    body: { name: 'N', agreements: {} },
  },
  previewResearcherChange: {
    method: 'POST',
    path: (id) => `/v1/researchers/${id}/preview`,
    body: {
      name: 'N',
      email: 'n@example.org',
      organisationId: 'org-full',
      accreditation: { status: 'none', homeAddressOnFile: false },
    },
  },
  putResearcher: {
    method: 'PUT',
    path: (id) => `/v1/researchers/${id}`,
    body: {
      name: 'N',
      email: 'n@example.org',
      organisationId: 'org-full',
      accreditation: { status: 'none', homeAddressOnFile: false },
    },
  },
};

/** Bad versions of a valid JSON body. */
function badBodies(
  valid: unknown,
): { label: string; body: string; type?: string; status: number }[] {
  const json = JSON.stringify(valid);
  return [
    { label: 'malformed JSON', body: json.slice(0, -1), type: 'application/json', status: 400 },
    { label: 'empty JSON body', body: '', type: 'application/json', status: 400 },
    { label: 'JSON null', body: 'null', type: 'application/json', status: 400 },
    { label: 'JSON array', body: '[]', type: 'application/json', status: 400 },
    { label: 'JSON string', body: '"x"', type: 'application/json', status: 400 },
    {
      label: 'unknown field',
      body: JSON.stringify({ ...(valid as object), unexpected: 1 }),
      type: 'application/json',
      status: 400,
    },
    {
      label: '__proto__ field',
      body: `{"__proto__":{"admin":true},${json.slice(1)}`,
      type: 'application/json',
      status: 400,
    },
    { label: 'text/plain', body: json, type: 'text/plain', status: 415 },
    { label: 'form', body: 'a=b', type: 'application/x-www-form-urlencoded', status: 415 },
    { label: 'no content type', body: json, status: 415 },
    {
      label: 'over 1 MiB',
      body: JSON.stringify({ ...(valid as object), pad: 'x'.repeat(1024 * 1024) }),
      type: 'application/json',
      status: 413,
    },
  ];
}

describe.each(Object.entries(INPUTS))('%s with bad input', (id, input) => {
  it('answers 400 for each malformed path id, changing nothing', async () => {
    if (!input || input.path('x') === input.path('y')) return;
    const before = await snapshot(api.ctx);
    for (const bad of BAD_IDS) {
      const res = await send(
        api.app,
        {
          method: input.method,
          path: input.path(bad),
          ...(input.body !== undefined && { json: input.body }),
        },
        api.tokens.admin,
      );
      const problem = await expectProblem(res, 400);
      expect(problem.errors?.length, `${id} ${bad}`).toBeGreaterThan(0);
    }
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('answers 400, 413 or 415 for each bad body, changing nothing', async () => {
    if (!input || input.body === undefined) return;
    const before = await snapshot(api.ctx);
    for (const bad of badBodies(input.body)) {
      const res = await send(
        api.app,
        {
          method: input.method,
          path: input.path('x-bad-body'),
          body: bad.body,
          ...(bad.type !== undefined && { contentType: bad.type }),
        },
        api.tokens.admin,
      );
      expect(res.status, `${id}: ${bad.label}`).toBe(bad.status);
      await expectProblem(res, bad.status);
    }
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('never answers 5xx to arbitrary JSON, and changes nothing', async () => {
    if (!input || input.body === undefined || id === 'importDatasets') return;
    const before = await snapshot(api.ctx);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const res = await send(
          api.app,
          { method: input.method, path: input.path('x-fuzz'), json: value },
          api.tokens.admin,
        );
        expect(res.status).toBe(400);
      }),
      { numRuns: 60 },
    );
    expect(await snapshot(api.ctx)).toEqual(before);
  });
});

describe('problem responses', () => {
  it('lists every invalid field of a body with a path and a message', async () => {
    const res = await send(
      api.app,
      {
        method: 'PUT',
        path: '/v1/researchers/r-x',
        json: {
          name: 'N',
          email: 'not-an-email',
          organisationId: '_bad',
          accreditation: { status: 'accredited', homeAddressOnFile: 'yes', ararSignedAt: 'soon' },
        },
      },
      api.tokens.admin,
    );
    const problem = await expectProblem(res, 400);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(
      [
        'accreditation.ararSignedAt',
        'accreditation.homeAddressOnFile',
        'email',
        'organisationId',
      ].sort(),
    );
    for (const e of problem.errors ?? []) expect(e.message).not.toBe('');
  });

  it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    await expectProblem(await getAs(api, '/v1/nothing', 'admin'), 404);
    await expectProblem(await send(api.app, { method: 'GET', path: '/' }), 404);
    const res = await send(
      api.app,
      { method: 'DELETE', path: '/v1/datasets/d-1' },
      api.tokens.admin,
    );
    await expectProblem(res, 405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'PUT']);
    await expectProblem(
      await send(api.app, { method: 'POST', path: '/v1/access-checks/x' }, api.tokens.admin),
      404,
    );
    await expectProblem(await send(api.app, { method: 'GET', path: '/v1/access-checks' }), 405);
  });

  it('accepts a JSON content type with parameters', async () => {
    const res = await send(
      api.app,
      {
        method: 'POST',
        path: '/v1/access-checks',
        body: JSON.stringify({ projectId: 'p-1', researcherId: 'r-own', route: 'safepod' }),
        contentType: 'application/json; charset=utf-8',
      },
      api.tokens.service,
    );
    expect(res.status).toBe(200);
  });

  it('gives every response a request id and never caches', async () => {
    const res = await getAs(api, '/v1/datasets/d-1', 'admin');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
