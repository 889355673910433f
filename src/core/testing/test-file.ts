/**
 * The workflow test file, `*.wfvtest.json` (tracker issue 13): a virtual run saved so it can be replayed
 * headless and compared. Small enough to review in a pull request, so it is always written the same way:
 * sorted keys, two-space indentation, dates as `{"$date": …}`, a final newline.
 *
 * - `workflow`: the workflow file, relative to the test file; `target`, `mode` (`up_to` default).
 * - `seed`: the DB the run starts from — a path (relative to the test file) to a `*.seed.json` or `.db`
 *   file, or an inline snapshot; absent means a fresh DB.
 * - `mock`: whether the run was a mock-mode run (default true). Recorded modules never call out in a
 *   replay either way; the flag matters to the modules that behave differently in mock mode without
 *   calling out (`db.query`) and to what the engine answers on its own.
 * - `answers`: keyed `step_id/module_name`; a module answered once keeps the answer, more often a list.
 * - `recordings`: per module, in call order, what came from outside the engine (recording.ts).
 * - `pins`: outputs of pinned modules the run relied on (pins.ts).
 * - `expect`: per module that ran, `module_outputs` and `state` (the state keys it set), with optional
 *   `ignore` paths rooted at that entry (`$.module_outputs.id`, `$.state.*`, `$..timestamp`).
 */
import * as z from "zod";
import { WfvError } from "../errors";
import { toExtendedJson, type Json } from "../json/extended-json";

export const TEST_FILE_SUFFIX = ".wfvtest.json";

const jsonObject = z.record(z.string(), z.unknown());
const moduleKey = z.string().regex(/^[^/]+\/.+$/, 'a module key is "step_id/module_name"');

export const recordingSchema = z.object({
  /** `llm` (api.llm, media.generateV2's prompt call) or `http` (api.fetch). */
  kind: z.enum(["llm", "http"]),
  module_id: z.string(),
  /** What the module sent (its resolved inputs; for media.generateV2 its prompt config). */
  request: z.unknown().optional(),
  /** What came back: api.llm/api.fetch their outputs, media.generateV2 the LLM's prompts. */
  response: z.unknown(),
});

export const moduleExpectationSchema = z.object({
  module_outputs: jsonObject.nullable(),
  state: jsonObject.default({}),
  ignore: z.array(z.string()).optional(),
});

export const pinSchema = z.object({ module_outputs: jsonObject });

export const wfvTestSchema = z.object({
  name: z.string().optional(),
  workflow: z.string().min(1),
  target: z.object({ step_id: z.string().min(1), module_name: z.string().min(1) }),
  mode: z.enum(["up_to", "module"]).default("up_to"),
  mock: z.boolean().default(true),
  seed: z.union([z.string().min(1), z.record(z.string(), z.array(z.unknown()))]).optional(),
  answers: z.record(moduleKey, z.union([jsonObject, z.array(jsonObject)])).default({}),
  recordings: z.record(moduleKey, z.array(recordingSchema)).default({}),
  pins: z.record(moduleKey, pinSchema).optional(),
  expect: z.record(moduleKey, moduleExpectationSchema),
});

export type Recording = z.infer<typeof recordingSchema>;
export type ModuleExpectation = z.infer<typeof moduleExpectationSchema>;
export type WfvTest = z.infer<typeof wfvTestSchema>;
export type Pin = z.infer<typeof pinSchema>;

/** `step_id/module_name`, the key of answers, recordings, pins and expectations. */
export function moduleKeyOf(stepId: string, moduleName: string): string {
  return `${stepId}/${moduleName}`;
}

export function splitModuleKey(key: string): { step_id: string; module_name: string } {
  const slash = key.indexOf("/");
  return { step_id: key.slice(0, slash), module_name: key.slice(slash + 1) };
}

/** The answers of a module in order (a single answer is a list of one). */
export function answersOf(test: Pick<WfvTest, "answers">, key: string): Record<string, unknown>[] {
  const given = test.answers[key];
  if (given === undefined) return [];
  return Array.isArray(given) ? given : [given];
}

/** Reads a test file's text; a malformed file throws `bad_request` naming the field. */
export function parseTestFile(text: string, file = "test file"): WfvTest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new WfvError("bad_request", `${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  const parsed = wfvTestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(file)"}: ${issue.message}`);
    throw new WfvError("bad_request", `${file} is not a wfv test: ${problems.join("; ")}`, { file, problems });
  }
  return parsed.data;
}

/** A JSON value with every object's keys sorted (arrays keep their order). */
export function sortKeysDeep(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== "object") return value;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const item = sortKeysDeep(value[key]);
    if (key === "__proto__") Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}

/** Sorted keys, two-space indentation, extended-JSON dates, one final newline. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(toExtendedJson(value)), null, 2) + "\n";
}

/** The file text of a test (defaults left out where they say nothing: an empty `answers` stays, for the reader). */
export function formatTestFile(test: WfvTest): string {
  const out: Record<string, unknown> = { ...test };
  if (out.pins !== undefined && Object.keys(out.pins as object).length === 0) delete out.pins;
  if (out.name === undefined) delete out.name;
  if (out.seed === undefined) delete out.seed;
  return stableJson(out);
}
