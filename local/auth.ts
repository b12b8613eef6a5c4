/**
 * Local tokens: the local runtime's stand-in for Cognito and API Gateway's
 * JWT authorizer. Tokens are signed HS256 with `LOCAL_JWT_SECRET` and carry
 * the same claims as the deployed user pool's, so roles come from them the
 * same way ({@link principalFromClaims}). Nothing here is deployed.
 */
import { sign, verify } from 'hono/jwt';
import {
  type Authenticator,
  bearerToken,
  principalFromClaims,
  ROLE_GROUPS,
  type Role,
  SERVICE_SCOPE,
  UnauthenticatedError,
} from '../functions/api/index.js';
import { IdSchema } from '../schemas/index.js';

/** The issuer of local tokens. */
export const LOCAL_JWT_ISSUER = 'srs-access-local';

/** The local signing secret when `LOCAL_JWT_SECRET` is not set. */
export const DEFAULT_LOCAL_JWT_SECRET = 'local-dev-secret-change-me';

/**
 * Verifies HS256 bearer tokens signed with `secret` and issued by `issuer`:
 * the local stand-in for API Gateway's JWT authorizer. Expired, not-yet-valid,
 * forged, wrongly issued tokens and tokens without an expiry are rejected.
 */
export function localJwtAuthenticator(
  secret: string,
  issuer: string = LOCAL_JWT_ISSUER,
): Authenticator {
  return {
    async authenticate(c) {
      const token = bearerToken(c);
      let claims: Record<string, unknown>;
      try {
        claims = await verify(token, secret, { alg: 'HS256', iss: issuer });
      } catch (err) {
        // The library's messages quote the token: keep them out of responses and logs.
        throw new UnauthenticatedError(
          'The bearer token is invalid, expired or not issued for this API.',
          'invalid_token',
          { cause: err instanceof Error ? err.name : undefined },
        );
      }
      if (typeof claims.exp !== 'number') {
        throw new UnauthenticatedError('The bearer token has no expiry.', 'invalid_token');
      }
      return principalFromClaims(claims);
    },
  };
}

/** The local signing secret: `LOCAL_JWT_SECRET`, or the documented default. */
export function localJwtSecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.LOCAL_JWT_SECRET;
  return secret !== undefined && secret !== '' ? secret : DEFAULT_LOCAL_JWT_SECRET;
}

/** Options of {@link signLocalToken}. */
export interface LocalTokenOptions {
  /** Required for the researcher role: the `researcher_id` claim. */
  readonly researcherId?: string;
  /** Defaults to {@link localJwtSecretFromEnv}. */
  readonly secret?: string;
  /** Defaults to 12 hours; a negative value makes an already expired token (for tests). */
  readonly expiresInSeconds?: number;
  readonly issuer?: string;
  /** The `sub` claim; defaults to `local-<role>` (or `local-researcher-<id>`). */
  readonly subject?: string;
  /** The clock, for tests. */
  readonly now?: Date;
}

/**
 * A local bearer token for one role, shaped like the tokens of the deployed
 * user pool: people get `cognito:groups` (and a researcher `researcher_id`),
 * the service gets the `srs-access/read` scope. For `npm run token` and tests.
 */
export async function signLocalToken(role: Role, options: LocalTokenOptions = {}): Promise<string> {
  if (role === 'researcher') {
    if (options.researcherId === undefined) {
      throw new Error('a researcher token needs a researcherId');
    }
    IdSchema.parse(options.researcherId);
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const subject =
    options.subject ??
    (role === 'researcher' ? `local-researcher-${options.researcherId}` : `local-${role}`);
  const roleClaims =
    role === 'service'
      ? { scope: SERVICE_SCOPE, client_id: subject, token_use: 'access' }
      : {
          'cognito:groups': [ROLE_GROUPS[role]],
          token_use: 'id',
          ...(options.researcherId !== undefined && { researcher_id: options.researcherId }),
        };
  return sign(
    {
      iss: options.issuer ?? LOCAL_JWT_ISSUER,
      sub: subject,
      iat,
      exp: iat + (options.expiresInSeconds ?? 12 * 3600),
      ...roleClaims,
    },
    options.secret ?? localJwtSecretFromEnv(),
    'HS256',
  );
}
