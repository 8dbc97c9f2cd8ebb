// The public API. Node-only corpus I/O lives in `regalloc/io`.
export * from './model/index.js';
export { allocate } from './allocate.js';
export { FunctionBuilder, type BranchTarget } from './func/builder.js';
export { InMemoryFunction, type BlockData, type FunctionData, type InstData, type InstKind } from './func/in_memory.js';
export { validateFunction, validateEnv } from './analysis/validate.js';
export { validateSsa } from './analysis/ssa.js';
export { CFGInfo } from './analysis/cfg.js';
export { FastallocContext, runFastalloc } from './fastalloc/index.js';
export { checkOutput, checkerVerdict, CheckerError, type CheckerErrorDetail, type CheckerErrorKind } from './checker/index.js';
export { IonContext, runIon } from './ion/index.js';
export * from './emit/index.js';
export * from './machine/index.js';
export { score, scoreDetails, loopDepthFrequencies, DEFAULT_COST_MODEL, type CostModel, type ScoreDetails } from './score/index.js';
export { parseTextFunction, printTextFunction, printText, TextParseError, type TextFunction, type PrintableFunction, type PrintOptions, type RegNameSource, type ResultLine } from './io/text.js';
export { showAllocation, type ShowOptions } from './io/text_show.js';
