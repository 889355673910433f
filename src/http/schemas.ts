/**
 * Request bodies of the HTTP API (engine.md §4.7 for the original virtual server's routes,
 * virtual-execution.md for `/workflow/virtual/execute`). Only the envelope is checked here: a body that
 * fails is a 400. What the engine itself judges (a workflow that is not a valid workflow, a target that
 * does not exist, an unreadable `virtual_db`) comes back as HTTP 200 with `status: "error"` and a
 * structured `result.error_type`, as the original did.
 *
 * Values that may be large (`workflow`, `virtual_db`, `response`) are checked with `z.custom` so they
 * pass through by reference: no copy of a 64 MiB DB, and keys such as `__proto__` stay own keys.
 */
import { z } from "zod";
import type { DbSnapshot } from "../core/db";
import type { InteractionResponseData } from "../core/virtual";
import { isPlainObject } from "./json";

const plainObject = z.custom<Record<string, unknown>>(isPlainObject, { message: "expected an object" });

/** A snapshot object `{collection: [documents]}`, the compressed blob, or null/absent for a fresh DB. */
const virtualDb = z.union([z.string(), z.custom<DbSnapshot>(isPlainObject), z.null()], { message: "expected a compressed DB string, a DB object or null" }).optional();

/** Present, of any JSON type: the engine reports a workflow that is not an object as `workflow_invalid`. */
const workflow = z.custom<unknown>((value) => value !== undefined, { message: "required" });

const optionalText = z.string().nullable().optional();
/** The core's optional strings are `undefined` when absent; clients of the original may send null. */
const optionalId = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);
const answer = z.custom<InteractionResponseData>(isPlainObject, { message: "expected an object" });
const aiConfig = plainObject.nullable().optional();

/**
 * Bodies are loose: fields this file does not list pass through to the core unchanged, so a request
 * field the core gains works over HTTP without a change here (the core ignores what it does not know).
 */
export const executeBody = z.looseObject({
  workflow,
  virtual_db: virtualDb,
  target_step_id: z.string().min(1),
  target_module_name: z.string().min(1),
  response: answer.nullable().optional(),
  mode: z.enum(["module", "up_to"]).optional(),
  mock: z.boolean().optional(),
  db_format: z.enum(["object", "compressed", "none"]).optional(),
  /** up_to in mock mode: answer what nothing else can answer with mock defaults. */
  default_answers: z.boolean().optional(),
  /** up_to: scripted answers keyed `step_id/module_name`. */
  answers: z.custom<Record<string, InteractionResponseData>>(isPlainObject, { message: "expected an object of answers by step_id/module_name" }).optional(),
});

/** What every call that runs the workflow carries; the routes below add their own fields. */
const workflowCall = {
  workflow,
  virtual_db: virtualDb,
  mock: z.boolean().optional(),
  ai_config: aiConfig,
};

export const startBody = z.looseObject({
  ...workflowCall,
  target_step_id: optionalText,
  target_module_name: optionalText,
  force_new: z.boolean().optional(),
});

export const respondBody = z.looseObject({
  ...workflowCall,
  virtual_run_id: optionalId,
  target_step_id: optionalText,
  target_module_name: optionalText,
  interaction_id: optionalText,
  response: answer,
});

export const resumeConfirmBody = z.looseObject({
  ...workflowCall,
  target_step_id: optionalText,
  target_module_name: optionalText,
});

export const runReadBody = z.object({
  virtual_db: virtualDb,
  virtual_run_id: optionalId,
});

export const subActionBody = z.looseObject({
  ...workflowCall,
  virtual_run_id: optionalId,
  interaction_id: z.string().min(1),
  sub_action_id: z.string().min(1),
  params: plainObject.optional(),
});

export const interactionDataBody = z.looseObject({
  ...workflowCall,
  virtual_run_id: optionalId,
  interaction_id: optionalText,
});

/** Upper bound on generated items per call: mock data is for previews, and one call must stay small. */
export const MAX_MOCK_COUNT = 1000;

export const mockDataBody = z.object({
  schema: z.custom<unknown>((value) => isPlainObject(value) || typeof value === "boolean", { message: "expected a JSON schema (object or boolean)" }),
  count: z.number().int().min(0).max(MAX_MOCK_COUNT),
  seed: z.number().int().optional(),
  context: plainObject.nullable().optional(),
});

/** zod issues as `{path, message, code}` with the path in the body, for `details.issues`. */
export function describeIssues(error: z.ZodError): Array<{ path: string; message: string; code: string }> {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("").replace(/^\./, "") || "(body)",
    message: issue.message,
    code: issue.code,
  }));
}
