// Public API of `regalloc`.
export * from './model/index.js';
export { allocate } from './allocate.js';
