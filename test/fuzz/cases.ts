/**
 * Generated `execute` requests, each reproducible from its seed (given the same pool of DBs):
 * valid and mutated workflows, valid and broken targets, templates spliced into inputs, plausible and
 * garbage answers, and virtual DBs that are real (from earlier runs), mismatched, truncated, corrupt
 * or of the wrong shape, as blobs and as objects.
 */
import { gzipSync } from "fflate";
import type { DbSnapshot } from "../../src/core/db";
import { stringifyWire } from "../../src/http/json";
import { execute, VirtualSession, type ExecuteRequest } from "../../src/core/virtual";
import { ccWorkflow, miniWorkflow, randomTemplate, registryWorkflow, targetsOf, type Target, type Workflow } from "./corpus";
import { Rng } from "./random";

export type BaseName = "cc" | "mini";

/** A DB left by real calls, as the blob and as a snapshot object (real `Date`s). */
export interface PoolEntry {
  base: BaseName;
  label: string;
  blob: string;
  snapshot: DbSnapshot;
}

export interface FuzzCase {
  seed: number;
  /** What was generated, for the report of a failing case. */
  description: string[];
  request: ExecuteRequest;
}

async function step(workflow: Workflow, db: string | null, target: [string, string], extra: Partial<ExecuteRequest> = {}): Promise<string> {
  const response = await execute({ workflow, virtual_db: db, target_step_id: target[0], target_module_name: target[1], ...extra });
  if (response.status === "error") throw new Error(`pool: ${target.join("/")} failed: ${response.error}`);
  return response.result.virtual_db as string;
}

/** DBs at several points of a cc run and of a mini-workflow run, made by real `execute` calls. */
export async function buildPool(): Promise<PoolEntry[]> {
  const blobs: Array<{ base: BaseName; label: string; blob: string }> = [];
  const cc = ccWorkflow();
  let db = await step(cc, null, ["user_input", "select_pet_type"]);
  blobs.push({ base: "cc", label: "cc asked select_pet_type", blob: db });
  db = await step(cc, db, ["user_input", "select_pet_type"], { response: { selected_indices: [0] } });
  blobs.push({ base: "cc", label: "cc answered select_pet_type", blob: db });
  db = await step(cc, db, ["scene_generation", "select_scene"], { mode: "up_to" });
  blobs.push({ base: "cc", label: "cc up to select_scene", blob: db });
  db = await step(cc, db, ["scene_generation", "select_scene"], { response: { selected_indices: [1] } });
  blobs.push({ base: "cc", label: "cc answered select_scene", blob: db });

  const mini = miniWorkflow();
  db = await step(mini, null, ["ideas", "ask_topic"]);
  blobs.push({ base: "mini", label: "mini asked ask_topic", blob: db });
  db = await step(mini, db, ["ideas", "ask_topic"], { response: { value: "otters" } });
  blobs.push({ base: "mini", label: "mini answered ask_topic", blob: db });
  db = await step(mini, db, ["finish", "titles"], { mode: "up_to" });
  blobs.push({ base: "mini", label: "mini up to titles", blob: db });
  db = await step(mini, db, ["finish", "confirm"], { mode: "up_to" });
  blobs.push({ base: "mini", label: "mini up to confirm", blob: db });

  return blobs.map((entry) => ({ ...entry, snapshot: VirtualSession.open(entry.blob).exportSnapshot() }));
}

// ---------------------------------------------------------------------------------------------------
// Workflow mutations

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) inside `root`, for picking a place to mutate (iterative: inputs may be nested deep). */
function slotsOf(root: unknown, limit = 4000): Array<[Container, string | number]> {
  const slots: Array<[Container, string | number]> = [];
  const pending: unknown[] = [root];
  while (pending.length > 0 && slots.length < limit) {
    const value = pending.pop();
    if (value === null || typeof value !== "object") continue;
    const container = value as Container;
    const keys: Array<string | number> = Array.isArray(container) ? container.map((_, index) => index) : Object.keys(container);
    for (const key of keys) {
      slots.push([container, key]);
      pending.push((container as Record<string | number, unknown>)[key]);
    }
  }
  return slots;
}

function setOwn(container: Container, key: string | number, value: unknown): void {
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy, or a shallow one when the value is nested too deep for structuredClone. */
function copyOf<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return (Array.isArray(value) ? [...value] : { ...value }) as T;
  }
}

function deepNest(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { nested: value };
  return value;
}

function mutateWorkflow(rng: Rng, workflow: Workflow, notes: string[]): Workflow {
  const kind = rng.pick([
    "delete_key",
    "set_leaf",
    "template_leaf",
    "module_id",
    "duplicate_module",
    "drop_modules",
    "duplicate_step",
    "outputs_to_state",
    "sub_actions",
    "retryable",
    "steps_shape",
    "proto_key",
    "deep_nesting",
  ] as const);
  notes.push(`mutate workflow: ${kind}`);
  const steps: any[] = Array.isArray(workflow.steps) ? workflow.steps.filter((s: unknown) => s !== null && typeof s === "object" && !Array.isArray(s)) : [];
  const isObject = (value: unknown): value is Record<string, any> => value !== null && typeof value === "object" && !Array.isArray(value);
  const anyModule = () => {
    const stepWithModules = steps.filter((s) => Array.isArray(s?.modules) && s.modules.some(isObject));
    if (stepWithModules.length === 0) return null;
    const s = rng.pick(stepWithModules);
    return { step: s, module: rng.pick((s.modules as unknown[]).filter(isObject)) };
  };
  switch (kind) {
    case "delete_key":
    case "set_leaf":
    case "template_leaf": {
      const slots = slotsOf(workflow);
      if (slots.length === 0) return workflow;
      const [container, key] = rng.pick(slots);
      notes.push(`  at key ${JSON.stringify(key)}`);
      if (kind === "delete_key") {
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete container[key as string];
      } else {
        setOwn(container, key, kind === "set_leaf" ? rng.json(2) : randomTemplate(rng));
      }
      return workflow;
    }
    case "module_id": {
      const found = anyModule();
      if (found) found.module.module_id = rng.pick(["user.selekt", "select", "user.select", "api.llm", "transform.query", "no.such_module", "", rng.string(10), 42, null]);
      return workflow;
    }
    case "duplicate_module": {
      const found = anyModule();
      if (found) found.step.modules.splice(rng.int(0, found.step.modules.length), 0, copyOf(found.module));
      return workflow;
    }
    case "drop_modules": {
      if (steps.length > 0) rng.pick(steps).modules = rng.pick([[], null, "none", {}]);
      return workflow;
    }
    case "duplicate_step": {
      if (steps.length > 0) workflow.steps.splice(rng.int(0, workflow.steps.length), 0, copyOf(rng.pick(steps)));
      return workflow;
    }
    case "outputs_to_state": {
      const found = anyModule();
      if (found) found.module.outputs_to_state = JSON.parse(rng.pick(['{"__proto__":"x"}', '{"value":"constructor"}', '{"":""}', '{"value":5}', "[]", '"value"', '{"missing_output":"k"}']));
      return workflow;
    }
    case "sub_actions": {
      const found = anyModule();
      if (found) found.module.sub_actions = rng.pick([[{ id: "s", actions: [{ type: rng.pick(["target_sub_action", "self_sub_action", "nope"]), ref: rng.json(1) }] }], "none", [null], [{}]]);
      return workflow;
    }
    case "retryable": {
      const found = anyModule();
      if (found) {
        found.module.retryable = rng.pick([
          { options: [{ id: "r", mode: "retry", target_module: rng.pick(["ask_topic", "missing", ""]) }] },
          { options: [{ id: "j", mode: "jump", target_step: rng.string(5), target_module: rng.string(5) }] },
          { options: "x" },
          { default_option: "nothing", options: [{ id: "c", mode: "continue", validations: [{ rule: rng.pick(["min_selections", "max_selections", "unknown_rule"]), min: "two" }] }] },
        ]);
      }
      return workflow;
    }
    case "steps_shape":
      workflow.steps = rng.pick([null, "steps", {}, [], [null], [{}], [{ step_id: 5, modules: [{}] }]]);
      return workflow;
    case "proto_key": {
      const found = anyModule();
      if (found) found.module.inputs = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "prompt": "{{ state.polluted }}"}');
      return workflow;
    }
    case "deep_nesting": {
      const found = anyModule();
      const depth = rng.pick([50, 500, 3000]);
      notes.push(`  depth ${depth}`);
      if (found) found.module.inputs = { ...(found.module.inputs ?? {}), deep: deepNest(depth) };
      return workflow;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// DB mutations

/** The value as a parsed HTTP body has it: `{$date}` wrappers, `__proto__` as an own key. */
function wireForm(value: unknown): unknown {
  return JSON.parse(stringifyWire(value));
}

function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function gzipText(text: string): string {
  return base64Of(gzipSync(new TextEncoder().encode(text), { mtime: 0 }));
}

function mutateBlob(rng: Rng, blob: string, notes: string[]): string {
  const kind = rng.pick(["truncate", "flip_char", "append", "random_bytes", "gzip_garbage", "gzip_not_json", "gzip_wrong_shape", "empty", "not_base64", "json_text"] as const);
  notes.push(`blob: ${kind}`);
  switch (kind) {
    case "truncate":
      return blob.slice(0, rng.int(0, blob.length - 1));
    case "flip_char": {
      const at = rng.int(0, blob.length - 1);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      return blob.slice(0, at) + rng.pick(alphabet.replace(blob[at]!, "").split("")) + blob.slice(at + 1);
    }
    case "append":
      return blob + rng.pick(["A", "AAAA", "====", "\n", "!!", "H4sI"]);
    case "random_bytes":
      return base64Of(Uint8Array.from({ length: rng.int(0, 64) }, () => rng.int(0, 255)));
    case "gzip_garbage": {
      const bytes = Uint8Array.from({ length: rng.int(18, 80) }, () => rng.int(0, 255));
      bytes[0] = 0x1f;
      bytes[1] = 0x8b;
      bytes[2] = 8;
      return base64Of(bytes);
    }
    case "gzip_not_json":
      return gzipText(rng.pick(["not json", "", "{", "\u0000\u0001", "{'single': 'quotes'}"]));
    case "gzip_wrong_shape":
      return gzipText(
        rng.pick([
          "[1, 2]",
          "null",
          "42",
          '{"events": 5}',
          '{"events": [1, "x", null]}',
          '{"$bad": []}',
          '{"": []}',
          '{"users": [{"created_at": {"$date": "not a date"}}]}',
          '{"events": [{"event_id": 1, "timestamp": {"$date": 1e20}}]}',
          '{"workflow_runs": [{"workflow_run_id": null}], "events": []}',
          "{}",
        ]),
      );
    case "empty":
      return rng.pick(["", "   ", "\n"]);
    case "not_base64":
      return rng.pick(["%%%%", "héllo", "H4sI AAAA", rng.string(20)]);
    case "json_text":
      return rng.pick(['{"users": []}', "[]", '{"events": [{"event_type": "step_started"}]}', "{"]);
  }
}

function mutateSnapshot(rng: Rng, snapshot: DbSnapshot, notes: string[]): Record<string, unknown> {
  const db: Record<string, any> = structuredClone(snapshot);
  const names = Object.keys(db);
  const kind = rng.pick(["drop_collection", "drop_documents", "duplicate_documents", "field", "field", "field", "bad_document", "bad_collection", "bad_date", "wrong_run"] as const);
  notes.push(`snapshot: ${kind}`);
  const documentsOf = (name: string): any[] => (Array.isArray(db[name]) ? db[name] : []);
  switch (kind) {
    case "drop_collection":
      delete db[rng.pick([...names, "events", "workflow_runs", "branches", "users"])];
      break;
    case "drop_documents": {
      const docs = documentsOf(rng.pick(names));
      for (let i = rng.int(1, 3); i > 0 && docs.length > 0; i--) docs.splice(rng.int(0, docs.length - 1), 1);
      break;
    }
    case "duplicate_documents": {
      const docs = documentsOf(rng.pick(names));
      if (docs.length > 0) docs.push(structuredClone(rng.pick(docs)));
      break;
    }
    case "field": {
      // Most of the engine's reading happens in events, runs and branches.
      const name = rng.pick(["events", "events", "workflow_runs", "branches", "workflow_versions", ...names]);
      const docs = documentsOf(name);
      if (docs.length === 0) break;
      const document = rng.pick(docs);
      if (document === null || typeof document !== "object") break;
      const field = rng.pick([
        ...Object.keys(document),
        "event_id",
        "event_type",
        "timestamp",
        "data",
        "branch_id",
        "lineage",
        "current_branch_id",
        "current_workflow_version_id",
        "resolved_workflow",
        "step_id",
        "module_name",
      ]);
      notes.push(`  ${name}.${field}`);
      if (rng.chance(0.3)) delete document[field];
      else setOwn(document, field, rng.pick([null, 5, "x", [], {}, { $date: "2020-01-01T00:00:00Z" }, new Date(0), rng.json(2), "evt_zzzz", "step_started"]));
      break;
    }
    case "bad_document": {
      const docs = documentsOf(rng.pick(names));
      docs.splice(rng.int(0, docs.length), 0, rng.pick([null, 5, "doc", [], [{}]]));
      break;
    }
    case "bad_collection":
      setOwn(db, rng.pick(["$bad", "", "events", "users", "__proto__"]), rng.pick([5, "x", null, {}, [[]]]));
      break;
    case "bad_date": {
      const users = documentsOf("users");
      if (users[0]) users[0].created_at = { $date: rng.pick(["not a date", 1e20, ""]) };
      break;
    }
    case "wrong_run": {
      const runs = documentsOf("workflow_runs");
      if (runs[0]) runs[0].workflow_run_id = rng.pick(["other", null, 7, ""]);
      break;
    }
  }
  // Half the time as the HTTP API receives it: `{$date}` wrappers instead of Dates.
  return rng.chance(0.5) ? (wireForm(db) as Record<string, unknown>) : db;
}

// ---------------------------------------------------------------------------------------------------
// Answers

function plausibleResponse(rng: Rng, target: Target | undefined, targets: Target[]): Record<string, unknown> {
  const other = targets.length > 0 ? rng.pick(targets) : undefined;
  const choices: Array<() => Record<string, unknown>> = [
    () => ({ value: rng.pick(["otters", "", "x".repeat(rng.int(1, 2000)), "{{ state.topic }}"]) }),
    () => ({ selected_indices: rng.pick([[0], [1], [0, 1], [[0]], [["ideas", 0]], [99], [-1], ["a"], []]) }),
    () => ({ selected_indices: [0], retry_requested: true, retry_feedback: rng.string(20), retry_groups: rng.pick([[], ["g"], [0]]) }),
    () => ({ jump_back_requested: true, jump_back_target: other ? rng.pick([other.target_module_name, `${other.target_step_id}/${other.target_module_name}`, other.target_step_id]) : "x" }),
    () => ({ cancelled: true }),
    () => ({ form_data: rng.pick([[], [{ a: 1 }], { a: 1 }, "x"]) }),
    () => ({ custom_value: rng.string(10), selected_indices: [] }),
    () => ({ selected_content_id: rng.string(8), selected_content: rng.json(1), generations: rng.json(1) }),
    () => ({ file_written: true, file_path: "/tmp/x", file_error: "" }),
    () => ({ action_id: rng.string(6), selected_indices: [0] }),
  ];
  if (target?.module_id === "user.text_input" && rng.chance(0.5)) return choices[0]!();
  if (target?.module_id === "user.select" && rng.chance(0.5)) return choices[1]!();
  return rng.pick(choices)();
}

const RESPONSE_FIELDS = ["value", "selected_indices", "selected_options", "custom_value", "cancelled", "retry_requested", "retry_groups", "retry_feedback", "jump_back_requested", "jump_back_target", "form_data", "generations", "confirmed_warnings"];

function garbageResponse(rng: Rng): unknown {
  if (rng.chance(0.2)) return rng.pick([[], "answer", 5, true, [{ value: 1 }]]);
  const members: string[] = [];
  for (let i = rng.int(1, 5); i > 0; i--) members.push(`${JSON.stringify(rng.pick(RESPONSE_FIELDS))}:${JSON.stringify(rng.json(2))}`);
  if (rng.chance(0.1)) members.push('"__proto__":{"retry_requested":true}');
  return JSON.parse(`{${members.join(",")}}`);
}

// ---------------------------------------------------------------------------------------------------

function brokenTarget(rng: Rng, targets: Target[]): { target_step_id: unknown; target_module_name: unknown } {
  const real: Target = targets.length > 0 ? rng.pick(targets) : { target_step_id: "s", target_module_name: "m", module_id: "user.select" };
  return rng.pick([
    { target_step_id: real.target_step_id, target_module_name: rng.string(8) },
    { target_step_id: rng.string(8), target_module_name: real.target_module_name },
    { target_step_id: "", target_module_name: real.target_module_name },
    { target_step_id: real.target_step_id, target_module_name: "" },
    { target_step_id: 5, target_module_name: null },
    { target_step_id: real.target_step_id, target_module_name: real.module_id },
    { target_step_id: "__proto__", target_module_name: "constructor" },
  ]);
}

/** The request for case `seed`. */
export function generateCase(seed: number, pool: readonly PoolEntry[]): FuzzCase {
  const rng = new Rng(seed);
  const notes: string[] = [];
  const baseName = rng.weighted([
    [35, "cc"],
    [35, "mini"],
    [30, "registry"],
  ] as const);
  let workflow: Workflow = baseName === "cc" ? ccWorkflow() : baseName === "mini" ? miniWorkflow() : registryWorkflow(rng);
  notes.push(`workflow: ${baseName}`);
  const targets = targetsOf(workflow);

  const sameBase = pool.filter((entry) => entry.base === baseName);
  const anyEntry = () => rng.pick(sameBase.length > 0 ? sameBase : pool);
  const dbKind = rng.weighted([
    [25, "none"],
    [30, "blob"],
    [15, "snapshot"],
    [5, "other_base"],
    [15, "mutated_blob"],
    [10, "mutated_snapshot"],
  ] as const);
  let virtualDb: ExecuteRequest["virtual_db"];
  let entry: PoolEntry | undefined;
  switch (dbKind) {
    case "none":
      virtualDb = rng.pick([null, undefined, "", {}]);
      break;
    case "blob":
      entry = anyEntry();
      virtualDb = entry.blob;
      break;
    case "snapshot":
      entry = anyEntry();
      virtualDb = rng.chance(0.5) ? structuredClone(entry.snapshot) : (wireForm(entry.snapshot) as DbSnapshot);
      break;
    case "other_base":
      entry = rng.pick(pool.filter((candidate) => candidate.base !== baseName));
      virtualDb = entry?.blob ?? null;
      break;
    case "mutated_blob":
      entry = anyEntry();
      virtualDb = mutateBlob(rng, entry.blob, notes);
      break;
    case "mutated_snapshot":
      entry = anyEntry();
      virtualDb = mutateSnapshot(rng, entry.snapshot, notes) as DbSnapshot;
      break;
  }
  notes.push(`db: ${dbKind}${entry ? ` (${entry.label})` : ""}`);

  const validTarget = targets.length > 0 && rng.chance(0.85);
  const target = validTarget ? rng.pick(targets) : undefined;
  const targetFields = target ? { target_step_id: target.target_step_id, target_module_name: target.target_module_name } : brokenTarget(rng, targets);
  notes.push(`target: ${JSON.stringify(targetFields)}`);

  if (rng.chance(0.35)) {
    for (let i = rng.int(1, 3); i > 0; i--) workflow = mutateWorkflow(rng, workflow, notes);
  }
  if (rng.chance(0.25) && target) {
    // A template in one of the target's own inputs, so it is resolved in this very call.
    const module = (Array.isArray(workflow.steps) ? workflow.steps : [])
      .find((s: any) => s?.step_id === target.target_step_id)
      ?.modules?.find?.((m: any) => (m?.name ?? m?.module_id) === target.target_module_name);
    if (module && module.inputs && typeof module.inputs === "object") {
      const names = Object.keys(module.inputs).filter((name) => name !== "resolver_schema");
      const name = names.length > 0 && rng.chance(0.8) ? rng.pick(names) : "extra";
      const template = randomTemplate(rng);
      module.inputs[name] = template;
      notes.push(`template in ${name}: ${JSON.stringify(template)}`);
    }
  }

  const responseKind = rng.weighted([
    [40, "none"],
    [35, "plausible"],
    [25, "garbage"],
  ] as const);
  const response = responseKind === "none" ? rng.pick([undefined, null]) : responseKind === "plausible" ? plausibleResponse(rng, target, targets) : garbageResponse(rng);
  notes.push(`response: ${responseKind}`);

  const mode = rng.weighted([
    [60, undefined],
    [35, "up_to"],
    [5, rng.pick(["all", "", 3])],
  ] as const);
  const request: Record<string, unknown> = { workflow, virtual_db: virtualDb, ...targetFields, response, mode };
  // Mock mode stays on: the fuzzer never makes a network call (the worker also disables fetch).
  if (rng.chance(0.5)) request.mock = true;
  if (rng.chance(0.25)) request.db_format = rng.pick(["object", "compressed", "none"]);
  if (rng.chance(0.03)) {
    notes.push("workflow: not an object");
    request.workflow = rng.pick([null, "workflow", 5, [], [workflow]]);
  }
  notes.push(`mode: ${String(mode)}`);
  return { seed, description: notes, request: request as unknown as ExecuteRequest };
}
