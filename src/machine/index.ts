export * from './description.js';
export * from './isa.js';
