/**
 * How `wfv test` reports: `spec` (for people: per failing module the differences, path, expected and
 * actual), `tap` (TAP 13), `junit` (JUnit XML for CI systems: one testsuite per test file, one testcase
 * per expected module) and `json` (one result object per line; what workers send back).
 */
import { describeDifference, type Difference, type TestFailure } from "../core/testing";
import type { TestFileResult } from "./test-runner";

export const REPORTERS = ["spec", "tap", "junit", "json"] as const;
export type ReporterName = (typeof REPORTERS)[number];

const MAX_DIFFERENCES = 10;
const MAX_VALUE = 300;

function clip(text: string, max = MAX_VALUE): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One difference as lines: the path, then expected and actual. */
export function differenceLines(difference: Difference): string[] {
  const shown = describeDifference(difference, MAX_VALUE);
  return [shown.path, `  expected: ${shown.expected}`, `  actual:   ${shown.actual}`];
}

/** A failure as lines: its message, then its differences (at most ten). */
export function failureLines(failure: TestFailure): string[] {
  const lines = [failure.message];
  const differences = failure.differences ?? [];
  if (failure.kind === "recording" && differences.length > 0) lines.push("the request, recorded → now:");
  for (const difference of differences.slice(0, MAX_DIFFERENCES)) lines.push(...differenceLines(difference));
  if (differences.length > MAX_DIFFERENCES) lines.push(`… and ${differences.length - MAX_DIFFERENCES} more differences`);
  return lines;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function summary(results: readonly TestFileResult[]): { passed: number; failed: number; updated: string[] } {
  const passed = results.filter((result) => result.passed).length;
  return { passed, failed: results.length - passed, updated: results.filter((result) => result.updated).map((result) => result.file) };
}

export function specReport(results: readonly TestFileResult[]): string {
  const out: string[] = [];
  for (const result of results) {
    const mark = result.passed ? "✓" : "✗";
    const updated = result.updated ? ", expectations updated" : "";
    out.push(`${mark} ${result.file}  (${result.target || "no target"}, ${result.modules.length} module${result.modules.length === 1 ? "" : "s"}, ${seconds(result.duration_ms)}${updated})`);
    if (result.passed) continue;
    for (const failure of result.failures.filter((f) => f.key === undefined)) {
      for (const [index, line] of failureLines(failure).entries()) out.push(`    ${index === 0 ? "✗ " : "    "}${line}`);
    }
    const keyed = new Map<string, TestFailure[]>();
    for (const failure of result.failures) if (failure.key !== undefined) keyed.set(failure.key, [...(keyed.get(failure.key) ?? []), failure]);
    for (const [key, failures] of keyed) {
      out.push(`    ✗ ${key}`);
      for (const failure of failures) for (const line of failureLines(failure)) out.push(`        ${line}`);
    }
    if (result.update_refused) out.push(`    not updated: ${result.update_refused}`);
  }
  const { passed, failed, updated } = summary(results);
  out.push("");
  out.push(`${results.length} test${results.length === 1 ? "" : "s"}: ${passed} passed, ${failed} failed`);
  if (updated.length > 0) out.push(`updated the expectations of ${updated.length}: ${updated.join(", ")}`);
  return out.join("\n") + "\n";
}

/** TAP 13: one test point per test file, the failures as a YAML block. */
export function tapReport(results: readonly TestFileResult[]): string {
  const out = ["TAP version 13", `1..${results.length}`];
  results.forEach((result, index) => {
    out.push(`${result.passed ? "ok" : "not ok"} ${index + 1} - ${result.file.replace(/#/g, "\\#")}${result.updated ? " # expectations updated" : ""}`);
    if (result.passed) return;
    out.push("  ---");
    out.push(`  target: ${JSON.stringify(result.target)}`);
    out.push("  failures:");
    for (const failure of result.failures) {
      out.push(`    - module: ${JSON.stringify(failure.key ?? null)}`);
      out.push(`      kind: ${failure.kind}`);
      out.push(`      message: ${JSON.stringify(failure.message)}`);
      const differences = failure.differences ?? [];
      if (differences.length > 0) {
        out.push("      differences:");
        for (const difference of differences.slice(0, MAX_DIFFERENCES)) {
          const shown = describeDifference(difference, MAX_VALUE);
          out.push(`        - path: ${JSON.stringify(shown.path)}`);
          out.push(`          expected: ${JSON.stringify(shown.expected)}`);
          out.push(`          actual: ${JSON.stringify(shown.actual)}`);
        }
      }
    }
    if (result.update_refused) out.push(`  update_refused: ${JSON.stringify(result.update_refused)}`);
    out.push("  ...");
  });
  return out.join("\n") + "\n";
}

/** Text XML 1.0 can carry: the characters it forbids are dropped, the markup ones escaped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** JUnit XML: a testsuite per test file, a testcase per expected module, and one for the run itself when it failed as a whole. */
export function junitReport(results: readonly TestFileResult[]): string {
  const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
  const cases = (result: TestFileResult) => {
    const list: Array<{ name: string; failures: TestFailure[] }> = [];
    const general = result.failures.filter((failure) => failure.key === undefined || !result.modules.some((module) => module.key === failure.key));
    if (general.length > 0) list.push({ name: "(run)", failures: general });
    for (const module of result.modules) list.push({ name: module.key, failures: module.failures });
    return list;
  };
  const totalCases = results.reduce((sum, result) => sum + cases(result).length, 0);
  const totalFailures = results.reduce((sum, result) => sum + cases(result).filter((item) => item.failures.length > 0).length, 0);
  const time = results.reduce((sum, result) => sum + result.duration_ms, 0) / 1000;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attr("name", "wfv")}${attr("tests", totalCases)}${attr("failures", totalFailures)}${attr("errors", 0)}${attr("time", time.toFixed(3))}>`];
  for (const result of results) {
    const list = cases(result);
    // A module that did not fail while the run as a whole did is left unjudged: skipped, not passed.
    const runFailed = list.some((item) => item.name === "(run)");
    const failures = list.filter((item) => item.failures.length > 0).length;
    const skipped = runFailed ? list.filter((item) => item.failures.length === 0).length : 0;
    out.push(
      `  <testsuite${attr("name", result.file)}${attr("tests", list.length)}${attr("failures", failures)}${attr("errors", 0)}${attr("skipped", skipped)}${attr("time", (result.duration_ms / 1000).toFixed(3))}>`,
    );
    for (const item of list) {
      const open = `    <testcase${attr("classname", result.file)}${attr("name", item.name)}${attr("time", item.name === "(run)" ? (result.duration_ms / 1000).toFixed(3) : "0")}`;
      if (item.failures.length === 0) {
        out.push(runFailed ? `${open}><skipped${attr("message", "the replay did not get through; see (run)")}/></testcase>` : `${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      for (const failure of item.failures) {
        out.push(`      <failure${attr("message", clip(failure.message, 1000))}${attr("type", failure.kind)}>${xmlEscape(failureLines(failure).join("\n"))}</failure>`);
      }
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

export function jsonReport(results: readonly TestFileResult[]): string {
  return results.map((result) => JSON.stringify(result) + "\n").join("");
}

export function report(name: ReporterName, results: readonly TestFileResult[]): string {
  switch (name) {
    case "tap":
      return tapReport(results);
    case "junit":
      return junitReport(results);
    case "json":
      return jsonReport(results);
    default:
      return specReport(results);
  }
}
