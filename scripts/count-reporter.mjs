// A node:test reporter that only counts: one JSON line {passed, failed, skipped} at the end, so
// scripts/run-tests.mjs can close a multi-phase run with one total.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    // Suites report too; count only the leaves (tests), as the runner's own summary does.
    if (event.data.details?.type === "suite") continue;
    if (event.data.skip || event.data.todo) counts.skipped++;
    else if (event.type === "test:pass") counts.passed++;
    else counts.failed++;
  }
  yield JSON.stringify(counts) + "\n";
}
