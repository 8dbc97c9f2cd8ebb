// How error messages name a value that is not what was expected.

/** `null`, `undefined`, `an array`, `a PRegSet`, `number 7`: what `x` is, for an error message. */
export function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'plain object'}`;
  return `${typeof x} ${String(x)}`;
}
