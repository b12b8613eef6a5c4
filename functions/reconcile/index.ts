export * from './checker.js';
export * from './repair.js';
export * from './snapshot.js';
export * from './sweep.js';
