/**
 * Holds every response of the API tests to the OpenAPI document the app
 * serves, with Ajv (a validator nobody here wrote): the status must be
 * documented for the operation, the body must match the documented schema
 * of its media type, and the headers a client relies on (`ETag`,
 * `WWW-Authenticate`, `Retry-After`, `Location`) must be documented where
 * they are sent. A response that breaks the contract fails the test that
 * made it, naming the operation.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import type { ApiApp } from '../../functions/api/index.js';

type Request = (
  input: string,
  init?: RequestInit,
  ...rest: unknown[]
) => Response | Promise<Response>;

interface MediaObject {
  schema?: unknown;
}
interface ResponseObject {
  headers?: Record<string, unknown>;
  content?: Record<string, MediaObject>;
}
interface Operation {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

/** The headers whose presence must be documented on the response that sends them. */
const DOCUMENTED_HEADERS = ['etag', 'www-authenticate', 'retry-after', 'location', 'change-id'];

const DOC_ID = 'https://srs-access.invalid/openapi.json';
const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

/** A checker of responses against `document`. */
export function responseChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOC_ID });
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (ref: string) => {
    let v = compiled.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: `${DOC_ID}#/${ref}` });
      compiled.set(ref, v);
    }
    return v;
  };
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

  return async function check(method: string, url: string, response: Response): Promise<void> {
    const path = new URL(url, 'http://api.test').pathname;
    const what = `${method} ${path} → ${response.status}`;
    const match = templates.find((t) => t.pattern.test(path));
    const operation = match ? document.paths[match.template]?.[method.toLowerCase()] : undefined;
    let responseObject: ResponseObject | undefined;
    let base: string;
    if (match && operation) {
      const status = String(response.status);
      const key = operation.responses?.[status] ? status : 'default';
      responseObject = operation.responses?.[key];
      if (!responseObject) {
        throw new Error(`${what}: status ${status} is not documented for ${operation.operationId}`);
      }
      base = pointer('paths', match.template, method.toLowerCase(), 'responses', key);
    } else {
      // No operation (unknown path or method): the answer must still be a documented problem.
      responseObject = {
        headers: { 'WWW-Authenticate': {} },
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      };
      base = '';
    }
    for (const header of DOCUMENTED_HEADERS) {
      if (!response.headers.has(header)) continue;
      const documented = Object.keys(responseObject.headers ?? {}).map((h) => h.toLowerCase());
      if (!documented.includes(header)) {
        throw new Error(`${what}: sends ${header} but the document does not declare it`);
      }
    }
    const text = await response.clone().text();
    if (text === '' || method === 'HEAD') return;
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const media = responseObject.content?.[mediaType];
    if (!media) {
      throw new Error(`${what}: content type ${mediaType || '(none)'} is not documented`);
    }
    if (!mediaType.endsWith('json') || media.schema === undefined) return;
    const validate =
      base === ''
        ? validatorAt(pointer('components', 'schemas', 'Problem'))
        : validatorAt(`${base}/${pointer('content', mediaType, 'schema')}`);
    const body: unknown = JSON.parse(text);
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message}`)
        .join('; ');
      throw new Error(`${what}: the body breaks the served OpenAPI document: ${errors}`);
    }
  };
}

/**
 * `request`, with every response checked against the document served at
 * `/v1/openapi.json` by the same app (fetched once).
 */
export function validatingResponses(request: Request): Request {
  let checker: Promise<ReturnType<typeof responseChecker>> | undefined;
  return async (input, init, ...rest) => {
    checker ??= Promise.resolve(request('/v1/openapi.json')).then(async (r) =>
      responseChecker((await r.json()) as Document),
    );
    const response = await request(input, init, ...rest);
    await (await checker)(init?.method ?? 'GET', input, response);
    return response;
  };
}

/** `app`, its `request` checked by {@link validatingResponses}. */
export function validated(app: ApiApp): ApiApp {
  app.request = validatingResponses(app.request.bind(app) as Request) as ApiApp['request'];
  return app;
}
