/**
 * Differential test: a generated corpus (fixed seed) rendered by wfv and by Python Jinja2 through
 * the oracle, spawned once. At least 99.5% must agree, and every disagreement must be listed with
 * its reason in oracle-allowlist.json (and every listed one must still disagree).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { oracleAvailable } from "../helpers/oracle";
import { generateCorpus } from "./corpus";
import { runPython, runWfv, sameOutcome } from "./differential";

interface AllowListEntry {
  template: string;
  reason: string;
}

const allowList = JSON.parse(readFileSync(resolve(__dirname, "oracle-allowlist.json"), "utf8")) as { entries: AllowListEntry[] };

test("wfv renders the generated corpus as Python Jinja2 does", { skip: !oracleAvailable("jinja2") && "python3-jinja2 is not installed" }, () => {
  const corpus = generateCorpus();
  assert.ok(corpus.length >= 500, `corpus has ${corpus.length} templates`);
  const python = runPython(corpus);
  const allowed = new Map(allowList.entries.map((entry) => [entry.template, entry.reason]));
  const unexpected: string[] = [];
  const stillDiffering = new Set<string>();
  let agreeing = 0;
  corpus.forEach((testCase, i) => {
    const ours = runWfv(testCase);
    if (sameOutcome(ours, python[i])) {
      agreeing++;
      return;
    }
    if (allowed.has(testCase.template)) {
      stillDiffering.add(testCase.template);
      return;
    }
    unexpected.push(`${JSON.stringify(testCase.template)}\n    wfv:    ${JSON.stringify(ours)}\n    python: ${JSON.stringify(python[i])}`);
  });
  const rate = agreeing / corpus.length;
  console.log(`differential: ${agreeing}/${corpus.length} identical (${(rate * 100).toFixed(2)}%), ${stillDiffering.size} allow-listed`);
  assert.deepEqual(unexpected, [], `differences not in the allow-list:\n${unexpected.join("\n")}`);
  const stale = allowList.entries.filter((entry) => !stillDiffering.has(entry.template)).map((entry) => entry.template);
  assert.deepEqual(stale, [], "allow-list entries that no longer differ (remove them)");
  assert.ok(rate >= 0.995, `only ${(rate * 100).toFixed(2)}% identical`);
});
