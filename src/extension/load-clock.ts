/** Imported first by extension.ts: when the bundle started loading, so activation time includes it. */
export const loadStarted = performance.now();
