export * from './regs.js';
export * from './operand.js';
export * from './allocation.js';
export * from './function.js';
export * from './errors.js';
export * from './env_shape.js';
