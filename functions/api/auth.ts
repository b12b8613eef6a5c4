/**
 * Authentication (docs/api.md): who is calling, and in which roles.
 *
 * In AWS the HTTP API's JWT authorizer has already verified the token; the
 * handler reads the verified claims from the request context and never looks
 * at a header. Locally the server verifies the same kind of token itself
 * (`local/auth.ts`). Both derive roles from the claims the same way
 * ({@link principalFromClaims}).
 */
import type { Context } from 'hono';
import { IdSchema } from '../../schemas/index.js';
import { isRecord } from '../commons/index.js';

/** The roles of section 7. */
export const ROLES = ['editor', 'admin', 'researcher', 'service'] as const;
/** A role a caller can hold. */
export type Role = (typeof ROLES)[number];

/** The Cognito group that grants each person role. */
export const ROLE_GROUPS = {
  editor: 'catalogue-editor',
  admin: 'srs-admin',
  researcher: 'researcher',
} as const satisfies Partial<Record<Role, string>>;

/** The OAuth scope that grants the `service` role to a machine client. */
export const SERVICE_SCOPE = 'srs-access/read';

/** An authenticated caller. */
export interface Principal {
  /** Who the caller is (the token's `sub`, or the client id of a machine client); used as the audit actor. */
  readonly subject: string;
  readonly roles: ReadonlySet<Role>;
  /** The caller's own researcher id (the `researcher_id` claim), when they hold the researcher role. */
  readonly researcherId?: string;
}

/** Missing or bad credentials: the API answers `401` with `WWW-Authenticate: Bearer`. */
export class UnauthenticatedError extends Error {
  constructor(
    message: string,
    /** `invalid_token` when credentials were presented but rejected (RFC 6750). */
    readonly code?: 'invalid_token' | 'invalid_request',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnauthenticatedError';
  }
}

/** Establishes who is calling, or fails with {@link UnauthenticatedError}. */
export interface Authenticator {
  authenticate(c: Context): Promise<Principal>;
}

/**
 * The group names of a `cognito:groups` claim. A verified JWT carries an
 * array, but API Gateway flattens claims to strings such as `[a b]`, `a,b`
 * or `a b`; all of these are accepted.
 */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  if (typeof claim !== 'string') return [];
  let text = claim.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parseGroups(parsed);
    } catch {
      // Not JSON: API Gateway's `[a b]` form.
    }
    text = text.slice(1, -1);
  }
  return text
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter((g) => g !== '');
}

/** The scopes of a `scope` claim (space-separated string or array). */
export function parseScopes(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((s): s is string => typeof s === 'string');
  return typeof claim === 'string' ? claim.split(/\s+/).filter((s) => s !== '') : [];
}

/**
 * The principal that verified claims describe: `cognito:groups` gives the
 * person roles, the `researcher_id` claim the researcher's id, and the
 * `srs-access/read` scope the service role.
 *
 * `token_use` decides which claims count, as Cognito issues them: people's
 * groups come from an ID or an access token (both carry `cognito:groups`),
 * the service role only from an access token (scopes are granted only in
 * access tokens, so a scope claim on any other token is not a grant). A token
 * that is neither gives no role at all.
 */
export function principalFromClaims(
  claims: Readonly<Record<string, unknown>>,
  extraScopes: readonly string[] = [],
): Principal {
  const tokenUse = claims.token_use;
  const cognitoToken = tokenUse === 'id' || tokenUse === 'access';
  const groups = new Set(cognitoToken ? parseGroups(claims['cognito:groups']) : []);
  const scopes = new Set(
    tokenUse === 'access' ? [...parseScopes(claims.scope), ...extraScopes] : [],
  );
  const roles = new Set<Role>();
  for (const [role, group] of Object.entries(ROLE_GROUPS) as [Role, string][]) {
    if (groups.has(group)) roles.add(role);
  }
  if (scopes.has(SERVICE_SCOPE)) roles.add('service');
  const researcherClaim = IdSchema.safeParse(claims.researcher_id);
  const subject = [claims.sub, claims.client_id].find(
    (s): s is string => typeof s === 'string' && s !== '',
  );
  return {
    subject: subject ?? 'unknown',
    roles,
    ...(roles.has('researcher') &&
      researcherClaim.success && {
        researcherId: researcherClaim.data,
      }),
  };
}

/** The bearer token of a request, or a 401 when there is none. */
export function bearerToken(c: Context): string {
  const header = c.req.header('authorization');
  if (header === undefined || header.trim() === '') {
    throw new UnauthenticatedError('This endpoint needs a bearer token (Authorization: Bearer …).');
  }
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new UnauthenticatedError(
      'The Authorization header must be "Bearer <token>".',
      'invalid_request',
    );
  }
  return match[1];
}

/** The verified JWT claims API Gateway put in the Lambda event, if any. */
function authorizerJwt(
  c: Context,
): { claims: Record<string, unknown>; scopes: string[] } | undefined {
  const env: unknown = c.env;
  if (!isRecord(env) || !isRecord(env.event)) return undefined;
  const requestContext = env.event.requestContext;
  if (!isRecord(requestContext) || !isRecord(requestContext.authorizer)) return undefined;
  const jwt = requestContext.authorizer.jwt;
  if (!isRecord(jwt) || !isRecord(jwt.claims)) return undefined;
  return { claims: jwt.claims, scopes: parseScopes(jwt.scopes) };
}

/**
 * Reads the claims that API Gateway's JWT authorizer verified, from the HTTP
 * API (v2) event's `requestContext.authorizer.jwt` (`c.env.event` under
 * `hono/aws-lambda`). It never reads the Authorization header: a request
 * that did not pass the authorizer has no claims and is refused.
 */
export function apiGatewayAuthenticator(): Authenticator {
  return {
    async authenticate(c) {
      const jwt = authorizerJwt(c);
      if (!jwt) {
        throw new UnauthenticatedError('This endpoint needs a bearer token verified by the API.');
      }
      return principalFromClaims(jwt.claims, jwt.scopes);
    },
  };
}
