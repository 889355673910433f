/**
 * Bugs the fuzzer found in code this suite does not own, reported to their owners. A problem that
 * matches one is listed under that issue (a `todo` test in CI, a separate section in `npm run fuzz`)
 * instead of failing the gate, so new findings stay visible. Delete an entry once its fix lands: the
 * todo test then shows it passing.
 */
export interface KnownIssue {
  id: string;
  /** Where the fix belongs. */
  owner: string;
  summary: string;
  pattern: RegExp;
}

export const KNOWN_ISSUES: readonly KnownIssue[] = [];

export function knownIssueOf(problem: string): KnownIssue | undefined {
  // A failure of the fuzzer itself is never a known issue of the engine.
  if (problem.startsWith("fuzz harness failed")) return undefined;
  return KNOWN_ISSUES.find((issue) => issue.pattern.test(problem));
}
