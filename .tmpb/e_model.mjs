export * from '../dist/model/system.js';
