export * from './context.js';
export * from './recompute.js';
export * from './run-change.js';
export * from './standing-change.js';
