export * from './checker.js';
export * from './findings.js';
export * from './repair.js';
export * from './snapshot.js';
export * from './sweep.js';
export * from './warnings.js';
