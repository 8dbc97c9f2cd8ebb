export { checkOutput, checkerVerdict, CheckerError, type CheckerErrorDetail, type CheckerErrorKind } from './checker.js';
