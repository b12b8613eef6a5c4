export * from './deliver.js';
export * from './events.js';
export * from './ports.js';
