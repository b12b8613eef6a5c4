import type { Context } from 'aws-lambda';
import { CONTACTS, type Contacts } from '../../schemas/index.js';
import { logger } from '../commons/index.js';
import { documentClient, type StoreContext } from '../store/index.js';

/** A required environment variable, or a clear error naming it. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is required but not set`);
  }
  return value;
}

/**
 * The contact addresses notifications name, from `CUSTOMER_SUPPORT_ADDRESS`
 * and `CONNECTIVITY_ADDRESS`, each defaulting to the service's own.
 */
export function contactsFromEnv(env: NodeJS.ProcessEnv = process.env): Contacts {
  return {
    projectAccess: env.CUSTOMER_SUPPORT_ADDRESS || CONTACTS.projectAccess,
    connectivity: env.CONNECTIVITY_ADDRESS || CONTACTS.connectivity,
  };
}

let defaultContext: StoreContext | undefined;

/** The store context of a deployed function: created once per module from `TABLE_NAME`. */
export function storeContextFromEnv(): StoreContext {
  defaultContext ??= {
    doc: documentClient(),
    tableName: requireEnv('TABLE_NAME'),
    now: () => new Date(),
  };
  return defaultContext;
}

/**
 * A Lambda entry point whose dependencies are built on first use, so that
 * importing a handler module (in tests, in the bundle check) reads no
 * environment and creates no client. Each invocation's Lambda context goes
 * into the shared logger first (Powertools `addContext`: request id, function
 * name and version, cold start), so every line the invocation logs carries it.
 */
export function lazyHandler<E, R>(
  factory: () => (event: E, context?: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  let built: ((event: E, context?: Context) => Promise<R>) | undefined;
  return (event, context) => {
    if (context) logger.addContext(context);
    built ??= factory();
    return built(event, context);
  };
}
