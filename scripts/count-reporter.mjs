// A node:test reporter that only counts: one JSON line {passed, failed, skipped, todo, skips} at the end,
// so scripts/run-tests.mjs can close a multi-phase run with one total and say why anything was skipped.
// A skipped suite counts as one skip (node reports it, not the tests inside it, which never ran).
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, skips: [] };
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { details, skip, todo, name, file } = event.data;
    const isSuite = details?.type === "suite";
    if (skip) {
      counts.skipped++;
      counts.skips.push({ name, file, reason: typeof skip === "string" ? skip : "skipped" });
    } else if (isSuite) {
      // Suites pass or fail through their tests; only a suite that failed by itself (a hook) is counted.
      if (event.type === "test:fail" && details?.error?.failureType !== "subtestsFailed") counts.failed++;
    } else if (todo) counts.todo++;
    else if (event.type === "test:pass") counts.passed++;
    else counts.failed++;
  }
  yield JSON.stringify(counts) + "\n";
}
