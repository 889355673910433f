/**
 * The virtual DB against mongomock (the in-memory Mongo the original virtual server was designed on):
 * the same generated JSONL script goes through `wfv db exec` (in-process) and through
 * test/oracles/mongo_oracle.py, and the answers must agree. Field order inside documents is free;
 * array order counts where a sort is given. Where mongomock itself is wrong (or differs from MongoDB in
 * a way that doesn't matter), the case is listed with a reason in mongomock-known-differences.json.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { callCli } from "../helpers/cli";
import { oracleAvailable, runOracle } from "../helpers/oracle";
import { generateCases, type Op } from "./differential-cases";

// Fixed by default; WFV_DIFF_SEED / WFV_DIFF_CASES explore other generations by hand.
const SEED = Number(process.env.WFV_DIFF_SEED ?? 20240601);
const CASES = Number(process.env.WFV_DIFF_CASES ?? 400);

interface KnownDifference {
  /** Regex over the case's operations (JSON lines) that identifies the affected cases. */
  pattern: string;
  /** Regex that must match one of mongomock's answers in the case (its error, usually). */
  theirs?: string;
  /** Regex that must match one of our answers in the case. */
  ours?: string;
  kind: "mongomock-unsupported" | "mongomock-wrong";
  reason: string;
}

const known: KnownDifference[] = JSON.parse(readFileSync(join(__dirname, "mongomock-known-differences.json"), "utf8"));

/** The listed difference that explains a mismatching case, if any. */
function excuseFor(caseText: string, oursText: string, theirsText: string): KnownDifference | undefined {
  return known.find(
    (entry) =>
      new RegExp(entry.pattern).test(caseText) &&
      (entry.theirs === undefined || new RegExp(entry.theirs).test(theirsText)) &&
      (entry.ours === undefined || new RegExp(entry.ours).test(oursText)),
  );
}

/** Canonical text of a value: object keys sorted; top-level array order dropped unless `ordered`. */
function canonical(value: unknown, ordered: boolean): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) out[key] = walk((v as Record<string, unknown>)[key]);
      return out;
    }
    return v;
  };
  const normalized = walk(value);
  if (!ordered && Array.isArray(normalized)) return JSON.stringify(normalized.map((x) => JSON.stringify(x)).sort());
  return JSON.stringify(normalized);
}

function answerText(answer: unknown, ordered: boolean): string {
  const record = answer as { result?: unknown; error?: unknown };
  if (record !== null && typeof record === "object" && "error" in record) return "ERROR";
  return canonical(record.result, ordered);
}

const workDir = mkdtempSync(join(tmpdir(), "wfv-db-diff-"));
after(() => rmSync(workDir, { recursive: true, force: true }));

test("virtual DB agrees with mongomock on generated operations", { skip: !oracleAvailable("mongomock") && "python3-mongomock is not installed" }, async (t) => {
  const { cases } = generateCases(SEED, CASES);
  const lines: Op[] = cases.flatMap((c) => c.lines);
  const scriptPath = join(workDir, "ops.jsonl");
  writeFileSync(scriptPath, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");

  const dbPath = join(workDir, "diff.db");
  assert.equal((await callCli(["db", "new", dbPath])).status, 0);
  const ours = await callCli(["db", "exec", dbPath, "--script", scriptPath]);
  assert.equal(ours.status, 0, ours.stderr || ours.stdout.slice(0, 2000));
  assert.equal(ours.lines.length, lines.length, "one answer per operation from wfv db exec");
  const theirs = runOracle("mongo_oracle.py", lines);

  let compared = 0;
  let agreed = 0;
  const tolerated = new Map<string, number>();
  const mismatches: string[] = [];
  let offset = 0;
  for (const c of cases) {
    const caseText = c.lines.map((line) => JSON.stringify(line)).join("\n");
    const oursText = c.lines.map((_, i) => JSON.stringify(ours.lines[offset + i])).join("\n");
    const theirsText = c.lines.map((_, i) => JSON.stringify(theirs[offset + i])).join("\n");
    c.checked.forEach((index, k) => {
      const at = offset + index;
      compared++;
      if (answerText(ours.lines[at], c.ordered[k]) === answerText(theirs[at], c.ordered[k])) {
        agreed++;
        return;
      }
      const excuse = excuseFor(caseText, oursText, theirsText);
      if (excuse) {
        tolerated.set(excuse.pattern, (tolerated.get(excuse.pattern) ?? 0) + 1);
        return;
      }
      mismatches.push(
        `case ${c.id} (${c.kind}) line ${index}: ${JSON.stringify(lines[at])}\n  wfv:       ${JSON.stringify(ours.lines[at]).slice(0, 600)}\n  mongomock: ${JSON.stringify(theirs[at]).slice(0, 600)}`,
      );
    });
    offset += c.lines.length;
  }
  t.diagnostic(`compared ${compared} answers: ${agreed} identical, ${compared - agreed - mismatches.length} explained by the known-differences list, ${mismatches.length} mismatches`);
  for (const [pattern, n] of tolerated) t.diagnostic(`  ${n} × ${pattern}`);
  assert.deepEqual(mismatches, [], `${mismatches.length} mismatches:\n${mismatches.slice(0, 10).join("\n")}`);
  assert.ok(agreed >= 200, `only ${agreed} identical answers`);
});

