import type { OpenAPIHono } from '@hono/zod-openapi';
import type { StoreContext } from '../store/index.js';
import type { Authenticator, Principal } from './auth.js';

/**
 * The structured logger the API writes to: one line per request, errors on
 * their own. The Powertools `Logger` satisfies it. Never pass an email
 * address, a token or a request body.
 */
export interface ApiLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What the API needs: the table, who is calling, and where to log. */
export interface ApiDeps {
  readonly ctx: StoreContext;
  readonly auth: Authenticator;
  /** Defaults to the shared Powertools logger. */
  readonly logger?: ApiLogger;
  /** How old an access change must be before the feed shows it (ms); default 1,000. */
  readonly feedHorizonMs?: number;
}

/** Hono environment of the API app. */
export interface ApiEnv {
  Variables: {
    /** The request id: API Gateway's, or generated. */
    requestId: string;
    /** The authenticated caller; set on every route that is not public. */
    principal: Principal;
    /** Whether a researcher is a member of a project (the table's answer); set with `principal`. */
    isMember: (projectId: string, researcherId: string) => Promise<boolean>;
  };
}

/** The API app. */
export type ApiApp = OpenAPIHono<ApiEnv>;
