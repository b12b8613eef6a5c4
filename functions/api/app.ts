/**
 * The HTTP API v1 (docs/api.md) as one Hono app, served by
 * `hono/aws-lambda` behind API Gateway and by `@hono/node-server` locally.
 *
 * Every request passes, in order: the request log (request id, one line on
 * the way out), 405 detection, the 1 MiB body limit, authentication, then
 * the route's own guard (the roles it declares beside its definition), its
 * validators and its handler. Every error leaves as `application/problem+json`.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { matchedRoutes } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { isRecord, logger as sharedLogger } from '../commons/index.js';
import { authenticate } from './authorization.js';
import {
  ApiProblem,
  fieldErrors,
  problemResponse,
  toProblem,
  type ValidationTarget,
  validationProblem,
} from './problem.js';
import { registerAccessRoutes } from './routes/access.js';
import { registerDatasetRoutes } from './routes/datasets.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerPartyRoutes } from './routes/parties.js';
import { registerProjectRoutes } from './routes/projects.js';
import type { ApiApp, ApiDeps, ApiEnv, ApiLogger } from './types.js';

/** The largest request body accepted (docs/api.md); larger is `413`. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** API Gateway's request id, when the app runs in Lambda. */
function gatewayRequestId(c: Context): string | undefined {
  const env: unknown = c.env;
  if (!isRecord(env) || !isRecord(env.event) || !isRecord(env.event.requestContext)) {
    return undefined;
  }
  const id = env.event.requestContext.requestId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * One structured line per request: request id, method, route template,
 * status and latency. Never the path's values beyond the template, a header,
 * a token or a body.
 */
function requestLog(logger: ApiLogger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = gatewayRequestId(c) ?? randomUUID();
    c.set('requestId', requestId);
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
    logger.info('request', {
      requestId,
      method: c.req.method,
      route: matchedRoutes(c).find((r) => r.method !== 'ALL')?.path ?? '(unmatched)',
      status: c.res.status,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}

/** Name, message and stack of an unexpected error, for the error log line. */
function errorSummary(err: unknown): Record<string, unknown> {
  return err instanceof Error
    ? { name: err.name, message: err.message, stack: err.stack }
    : { name: typeof err };
}

/**
 * Builds the API. `deps.ctx` is the table, `deps.auth` how callers are
 * authenticated (`localJwtAuthenticator` of `local/auth.ts` locally and in tests,
 * `apiGatewayAuthenticator` in AWS).
 */
export function createApp(deps: ApiDeps): ApiApp {
  const logger: ApiLogger = deps.logger ?? sharedLogger;
  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const target = result.target as ValidationTarget;
        // The validator passes the raw input as `data`; it tells a missing field from a bad one.
        const input = 'data' in result ? result.data : undefined;
        throw validationProblem(fieldErrors(result.error, input, target));
      }
    },
  });

  app.use('*', requestLog(logger));
  // nosniff, HSTS, no framing, no referrer, and a CSP that lets a JSON answer load nothing;
  // a page that sets its own CSP (the reference at /docs) keeps it.
  app.use(
    '*',
    secureHeaders({
      overwrite: false,
      xFrameOptions: 'DENY',
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    }),
  );
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(
          new ApiProblem(405, `${c.req.method} is not supported here; use ${methods.join(', ')}.`, {
            headers: { Allow: methods.join(', ') },
          }),
        ),
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiProblem(413, `The request body is over ${MAX_BODY_BYTES} bytes (1 MiB).`);
      },
    }),
  );
  app.use('*', authenticate(deps.auth, deps.ctx));

  registerMetaRoutes(app);
  registerDatasetRoutes(app, deps.ctx);
  registerProjectRoutes(app, deps.ctx);
  registerPartyRoutes(app, deps.ctx);
  registerAccessRoutes(app, deps.ctx, deps.feedHorizonMs);

  app.notFound((c) =>
    problemResponse(new ApiProblem(404, `There is no endpoint ${c.req.method} ${c.req.path}.`)),
  );
  app.onError((err, c) => {
    const { problem, unexpected } = toProblem(err);
    if (unexpected) {
      logger.error('request failed', { requestId: c.get('requestId'), error: errorSummary(err) });
    }
    return problemResponse(problem);
  });
  return app;
}
