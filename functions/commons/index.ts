/**
 * Helpers every layer above the domain may use: no AWS client, no table, no
 * rule of the domain.
 */
export * from './backoff.js';
export * from './is-record.js';
export * from './logger.js';
export * from './map-limit.js';
