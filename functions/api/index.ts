export * from './app.js';
export * from './auth.js';
export * from './authorization.js';
export * from './problem.js';
export * from './types.js';
