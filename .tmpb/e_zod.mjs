export * from '../dist/scenario/schema.js';
