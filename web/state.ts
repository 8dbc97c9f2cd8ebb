// What the playground page exposes as `window.regallocPlayground`, for tests.

export interface PlaygroundState {
  /** Allocations attempted so far. */
  runs: number;
  /** The last run's error message, or null. */
  error: string | null;
  /** The source line of that error, when known. */
  errorLine: number | null;
  /** The last successful run's view summary. */
  summary: unknown;
}

declare global {
  interface Window {
    regallocPlayground?: PlaygroundState;
  }
}
