import { existsSync } from 'node:fs';
/**
 * The deployment's configuration, read from CDK context (`cdk.json` or
 * `-c name=value`) and checked once, with a clear message for each mistake.
 */
import type { Node } from 'constructs';
import { warningDaysFromEnv } from '../functions/reconcile/index.js';
import { CONTACTS } from '../schemas/index.js';

/** Which EventBridge bus the domain events go to. */
export type EventBusChoice =
  | { readonly kind: 'create'; readonly name: string }
  | { readonly kind: 'default' }
  | { readonly kind: 'existing'; readonly name: string };

/** Everything a deployment may vary, already validated. */
export interface DeploymentConfig {
  /** The `From` address of notification email: an SES-verified identity (the address or its domain). */
  readonly senderAddress: string;
  /** Whether {@link senderAddress} is the offline-synth placeholder (must not be deployed). */
  readonly senderIsPlaceholder: boolean;
  /** An existing SES configuration set to send through, if any. */
  readonly sesConfigurationSet?: string;
  /** Contact for questions about project access (configuration, not code). */
  readonly customerSupportAddress: string;
  /** Contact for questions about Assured Organisational Connectivity. */
  readonly connectivityAddress: string;
  /** The bus the domain events (`ProjectAccessChanged`, `ResearcherRoutesChanged`, `ResearcherRoutesNarrowed`, `ExpiryWarning`) are published to. */
  readonly eventBus: EventBusChoice;
  /** Where alarm notifications are emailed, if anywhere. */
  readonly alarmEmail?: string;
  /** EventBridge Scheduler expression of the reconciler run. */
  readonly reconcileSchedule: string;
  /** Days before an expiry that each reconciler run warns in (nearest open window only). */
  readonly expiryWarningDays: readonly number[];
  /** Prefix of the Cognito domain (`<prefix>.auth.<region>.amazoncognito.com`); default `srs-access-<account>`. */
  readonly authDomainPrefix?: string;
  /** OAuth callback URLs of the people's app client (authorisation code flow with PKCE). */
  readonly authCallbackUrls: readonly string[];
  /**
   * Concurrency reserved for each stream consumer (changes, deliver,
   * publish), so that a busy API can never starve propagation and delivery;
   * 0 reserves none (for accounts whose concurrency quota is too low).
   */
  readonly consumerReservedConcurrency: number;
  /**
   * A directory of bundles already built with the settings of
   * `cdk/bundling.ts` (`<dir>/<handler>/index.mjs`, as `buildBundles` writes
   * them): the functions deploy those instead of bundling again. The test run
   * builds the bundles once and synthesises with them; unset, synthesis bundles.
   */
  readonly bundlesDir?: string;
}

/** Concurrency each stream consumer reserves unless `consumerReservedConcurrency` says otherwise. */
export const DEFAULT_CONSUMER_RESERVED_CONCURRENCY = 10;

/** A context parameter is missing or malformed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The name of the bus the stack creates when `eventBusName` is not given. */
export const DEFAULT_EVENT_BUS_NAME = 'srs-access';
/**
 * The reconciler runs hourly unless `reconcileSchedule` says otherwise, so that
 * an agreement or accreditation that expires is noticed within the hour.
 */
export const DEFAULT_RECONCILE_SCHEDULE = 'rate(1 hour)';
/** Callback of the people's app client when `authCallbackUrls` is not given (local tooling). */
export const DEFAULT_CALLBACK_URL = 'http://localhost:8080/callback';
/** The sender `npm run synth` passes so that synthesis works without a real identity. */
export const PLACEHOLDER_SENDER = 'no-reply@example.com';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const SCHEDULE = /^(rate|cron|at)\(.+\)$/;
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PLACEHOLDER_DOMAINS =
  /@(?:[^@]+\.)?(example\.(?:com|org|net)|[^@]+\.(?:invalid|test|example))$/i;

function optionalString(node: Node, name: string): string | undefined {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new ConfigError(`context parameter ${name} must be a string, got ${typeof value}`);
  }
  return value.trim();
}

function email(node: Node, name: string): string | undefined {
  const value = optionalString(node, name);
  if (value !== undefined && !EMAIL.test(value)) {
    throw new ConfigError(`context parameter ${name} must be an email address, got '${value}'`);
  }
  return value;
}

/** The expiry warning windows: the reconciler's own parsing of `EXPIRY_WARNING_DAYS`, as a ConfigError. */
function warningWindows(value: string | undefined): readonly number[] {
  try {
    return warningDaysFromEnv({ EXPIRY_WARNING_DAYS: value });
  } catch {
    throw new ConfigError(
      `context parameter expiryWarningDays must list whole days from 1 to 365, comma-separated, such as 30,7; got '${value}'`,
    );
  }
}

/**
 * Reads and validates the deployment configuration from the context of
 * `node` (normally the App's). Throws {@link ConfigError} naming the
 * parameter when one is missing or malformed.
 */
export function readConfig(node: Node): DeploymentConfig {
  const senderAddress = email(node, 'senderAddress');
  if (senderAddress === undefined) {
    throw new ConfigError(
      'context parameter senderAddress is required: the SES-verified address notifications are sent from. ' +
        'Pass it with `-c senderAddress=notifications@your-domain` (`npm run synth` uses the placeholder ' +
        `${PLACEHOLDER_SENDER}, which must not be deployed).`,
    );
  }
  const busName = optionalString(node, 'eventBusName');
  const eventBus: EventBusChoice =
    busName === undefined
      ? { kind: 'create', name: DEFAULT_EVENT_BUS_NAME }
      : busName === 'default'
        ? { kind: 'default' }
        : { kind: 'existing', name: busName };
  const reconcileSchedule = optionalString(node, 'reconcileSchedule') ?? DEFAULT_RECONCILE_SCHEDULE;
  if (!SCHEDULE.test(reconcileSchedule)) {
    throw new ConfigError(
      `context parameter reconcileSchedule must be a Scheduler expression such as rate(1 day) or cron(0 3 * * ? *), got '${reconcileSchedule}'`,
    );
  }
  const expiryWarningDays = warningWindows(optionalString(node, 'expiryWarningDays'));
  const authDomainPrefix = optionalString(node, 'authDomainPrefix');
  if (authDomainPrefix !== undefined && !DOMAIN_PREFIX.test(authDomainPrefix)) {
    throw new ConfigError(
      `context parameter authDomainPrefix must be lower-case letters, digits and hyphens, got '${authDomainPrefix}'`,
    );
  }
  const callbacks = (optionalString(node, 'authCallbackUrls') ?? DEFAULT_CALLBACK_URL)
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const url of callbacks) {
    if (!/^https:\/\/|^http:\/\/localhost(?::\d+)?\//.test(url)) {
      throw new ConfigError(
        `context parameter authCallbackUrls: '${url}' must be https (or http://localhost)`,
      );
    }
  }
  const reserved = optionalString(node, 'consumerReservedConcurrency');
  const consumerReservedConcurrency =
    reserved === undefined ? DEFAULT_CONSUMER_RESERVED_CONCURRENCY : Number(reserved);
  if (
    !Number.isInteger(consumerReservedConcurrency) ||
    consumerReservedConcurrency < 0 ||
    consumerReservedConcurrency > 1000
  ) {
    throw new ConfigError(
      `context parameter consumerReservedConcurrency must be an integer from 0 to 1000 (0: reserve none), got '${reserved}'`,
    );
  }
  const sesConfigurationSet = optionalString(node, 'sesConfigurationSet');
  const bundlesDir = optionalString(node, 'bundlesDir');
  if (bundlesDir !== undefined && !existsSync(bundlesDir)) {
    throw new ConfigError(`context parameter bundlesDir: '${bundlesDir}' does not exist`);
  }
  const alarmEmail = email(node, 'alarmEmail');
  return {
    senderAddress,
    senderIsPlaceholder: PLACEHOLDER_DOMAINS.test(senderAddress),
    ...(sesConfigurationSet !== undefined && { sesConfigurationSet }),
    customerSupportAddress: email(node, 'customerSupportAddress') ?? CONTACTS.projectAccess,
    connectivityAddress: email(node, 'connectivityAddress') ?? CONTACTS.connectivity,
    eventBus,
    ...(alarmEmail !== undefined && { alarmEmail }),
    reconcileSchedule,
    expiryWarningDays,
    ...(authDomainPrefix !== undefined && { authDomainPrefix }),
    authCallbackUrls: callbacks,
    consumerReservedConcurrency,
    ...(bundlesDir !== undefined && { bundlesDir }),
  };
}
