// Public API of `regalloc`.
export * from './model/index.js';
