// Plain-array helpers for hot paths.

/**
 * Empties `a` in place. Setting an array's length is a runtime call in V8,
 * even to 0 on an array that is already empty, and the scratch lists that
 * hot paths empty are usually empty already: those are left alone.
 */
export function clearArray(a: unknown[]): void {
  if (a.length !== 0) a.length = 0;
}
