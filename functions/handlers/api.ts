import { handle } from 'hono/aws-lambda';
import { apiGatewayAuthenticator, createApp } from '../api/index.js';
import { lazyHandler, storeContextFromEnv } from './runtime.js';

/**
 * Lambda entry point of the HTTP API (API Gateway HTTP API, payload v2).
 * Callers are authenticated from the claims API Gateway's JWT authorizer
 * verified; the app is built on the first invocation, so importing this
 * module reads no environment.
 */
export const handler = lazyHandler(() =>
  handle(createApp({ ctx: storeContextFromEnv(), auth: apiGatewayAuthenticator() })),
);
