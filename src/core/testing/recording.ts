/**
 * Recordings: what came from outside the engine during a run, per module call in order, so a replay
 * makes no provider call and is deterministic (tracker issue 13). A mock-mode run records the mock
 * data it produced, a real run what the providers answered.
 *
 * The modules that call out, and where the replay cuts them off:
 * - `api.llm` (an LLM) and `api.fetch` (HTTP): the whole `execute`; the request is the module's
 *   resolved inputs, the response its outputs (they are made of the provider's answer);
 * - `media.generateV2`: the LLM call that writes its prompts while the interaction request is built;
 *   the request is its providers, action type and prompt config, the response the LLM's prompts.
 * Media generation itself runs in sub-actions, which a replay does not make: the media a run picked
 * comes back through the answers.
 *
 * A replay hands each call the next recording of its module. A call without one, a recording made by
 * another module id, and recordings left over at the end are mismatches the test reports as such (a
 * module that added or removed a call), never a silent pass or a real call. A request that differs
 * from the recorded one still gets the recorded response (so the run goes on), and fails the test
 * with the difference: the recorded answer may no longer fit the question.
 */
import { WfvError } from "../errors";
import { fromExtendedJson, toExtendedJson, type Json } from "../json/extended-json";
import { createDefaultModuleRegistry } from "../modules";
import type { ModuleRegistry } from "../modules/registry";
import type { ModuleContext, WorkflowModule } from "../modules/types";
import { diffJson, type Difference } from "./diff";
import { PINNED_MODULE_ID, PinnedModule, type Pins } from "./pins";
import { moduleKeyOf, type Recording } from "./test-file";

/** The modules that call out, and what they call. */
export const CALLS_OUT: Readonly<Record<string, Recording["kind"]>> = Object.freeze({
  "api.llm": "llm",
  "api.fetch": "http",
  "media.generateV2": "llm",
});

const KIND_WORD: Record<Recording["kind"], string> = { llm: "LLM", http: "HTTP" };

export interface RecordingProblem {
  key: string;
  /** `missing`: a call without a recording; `unused`: recordings no call took; `module_changed`: recorded for another module id; `request_changed`. */
  kind: "missing" | "unused" | "module_changed" | "request_changed";
  message: string;
  /** For `request_changed`: where the request differs (paths rooted at the request). */
  differences?: Difference[];
  /** The call's position among the module's calls (0-based). */
  index?: number;
}

/** A call as a replay saw it: which module, its request, and the recording it was given. */
export interface ReplayedCall {
  key: string;
  module_id: string;
  kind: Recording["kind"];
  request: Json;
}

/** The recordings of one replay, handed out call by call; what did not fit is kept in `problems`. */
export class RecordingCursor {
  readonly problems: RecordingProblem[] = [];
  /** Every call made, per module in order (what `--update` writes back as the recorded requests). */
  readonly calls = new Map<string, ReplayedCall[]>();
  private readonly used = new Map<string, number>();

  constructor(private readonly recordings: Readonly<Record<string, readonly Recording[]>>) {}

  /** The recorded response for the next call of `key`; throws (failing the module) when there is none. */
  take(key: string, moduleId: string, request: unknown): unknown {
    const kind = CALLS_OUT[moduleId] ?? "llm";
    const index = this.used.get(key) ?? 0;
    this.used.set(key, index + 1);
    const requestJson = toExtendedJson(request);
    const calls = this.calls.get(key) ?? [];
    calls.push({ key, module_id: moduleId, kind, request: requestJson });
    this.calls.set(key, calls);
    const list = this.recordings[key] ?? [];
    const recording = list[index];
    if (recording === undefined) {
      const message =
        list.length === 0
          ? `${key} (${moduleId}) made an ${KIND_WORD[kind]} call, and the test has no recording for it: the module calls out where it did not when the test was recorded (a call added). Record the test again.`
          : `${key} (${moduleId}) made ${KIND_WORD[kind]} call ${index + 1}, and the test recorded only ${list.length}: the module makes more calls than when the test was recorded (a call added). Record the test again.`;
      this.problems.push({ key, kind: "missing", message, index });
      throw new WfvError("execution_failed", `wfv test: ${message}`, { module: key, recording_index: index });
    }
    if (recording.module_id !== moduleId) {
      const message = `${key}: call ${index + 1} was recorded from ${recording.module_id}, but the module is now ${moduleId}. Record the test again.`;
      this.problems.push({ key, kind: "module_changed", message, index });
      throw new WfvError("execution_failed", `wfv test: ${message}`, { module: key, recording_index: index });
    }
    if (recording.request !== undefined) {
      const differences = diffJson(recording.request as Json, requestJson, { limit: 50 });
      if (differences.length > 0) {
        this.problems.push({
          key,
          kind: "request_changed",
          index,
          differences,
          message: `${key}: the ${KIND_WORD[kind]} request of call ${index + 1} differs from the recorded one, so the recorded response may no longer fit (the replay used it anyway)`,
        });
      }
    }
    return fromExtendedJson(recording.response);
  }

  /** Recordings no call took: a module that no longer calls out (or no longer ran). */
  leftovers(): RecordingProblem[] {
    const out: RecordingProblem[] = [];
    for (const [key, list] of Object.entries(this.recordings)) {
      const used = this.used.get(key) ?? 0;
      if (used >= list.length) continue;
      const kind = KIND_WORD[list[used].kind];
      const message =
        used === 0
          ? `${key}: the test recorded ${list.length} ${kind} call${list.length === 1 ? "" : "s"} by ${list[used].module_id}, and the replay made none: the module no longer calls out (a call removed) or did not run. Record the test again.`
          : `${key}: the test recorded ${list.length} ${kind} calls, and the replay made ${used}: the module makes fewer calls than when the test was recorded (a call removed). Record the test again.`;
      out.push({ key, kind: "unused", message, index: used });
    }
    return out;
  }
}

type GenerateV2 = WorkflowModule & {
  generatePrompts?: (providers: readonly string[], actionType: string, promptConfig: unknown, context: ModuleContext) => Promise<Record<string, unknown>>;
};

/** The module with its outward call answered from the cursor. */
function replayModule(module: WorkflowModule, cursor: RecordingCursor): WorkflowModule {
  const moduleId = module.moduleId;
  if (moduleId === "media.generateV2") {
    const v2 = module as GenerateV2;
    // The prompt call is a method of the module (the LLM runs inside getInteractionRequest): this is
    // the one place the replay needs to know a module's insides; test/testing checks the method exists.
    if (typeof v2.generatePrompts !== "function") {
      throw new WfvError("execution_failed", "wfv test: media.generateV2 no longer has the prompt call a replay answers (generatePrompts)", { module_id: moduleId });
    }
    v2.generatePrompts = async (providers, actionType, promptConfig, context) =>
      cursor.take(moduleKeyOf(context.stepId, context.currentModuleName), moduleId, { providers, action_type: actionType, prompt_config: promptConfig }) as Record<string, unknown>;
    return v2;
  }
  if (module.kind === "executable") {
    module.execute = async (inputs, context) => cursor.take(moduleKeyOf(context.stepId, context.currentModuleName), moduleId, inputs) as Record<string, unknown>;
  }
  return module;
}

export interface RegistryHooks {
  /** Pinned outputs: the `wfv.pinned` stand-ins answer with them. */
  pins?: Pins;
  /** Replay: the modules that call out take their answers from here, and never call out. */
  replay?: RecordingCursor;
}

let builtin: ModuleRegistry | null = null;

/** The registry `base` (the built-in modules by default) with pins and replay hooked in. */
export function wrapRegistry(hooks: RegistryHooks, base?: ModuleRegistry): ModuleRegistry {
  const inner = base ?? (builtin ??= createDefaultModuleRegistry());
  const pinned = () => new PinnedModule(hooks.pins ?? {});
  const registry: ModuleRegistry = {
    register: (factory) => inner.register(factory),
    has: (moduleId) => moduleId === PINNED_MODULE_ID || inner.has(moduleId),
    getModule(moduleId) {
      if (moduleId === PINNED_MODULE_ID) return pinned();
      const module = inner.getModule(moduleId);
      return hooks.replay && Object.prototype.hasOwnProperty.call(CALLS_OUT, moduleId) ? replayModule(module, hooks.replay) : module;
    },
    ids: () => [...inner.ids(), PINNED_MODULE_ID],
    listModules: () => inner.listModules(),
  };
  return registry;
}
