/**
 * The debug run: one "Run up to here" (`VirtualSession.runUpTo`, the same call the panel makes, so
 * the same events land in the DB), held between modules through the engine's ModuleObserver. At each
 * module boundary it keeps a checkpoint of the DB (MemoryDb's pointer copy: the arrays of document
 * references, never the documents), so a step back restores the exact DB from before a module, and
 * running forward again re-executes it as a new up-to call from that position.
 *
 * Two ways to be stopped: inside a call (a hook awaits the user's next action), or parked between
 * calls (after a step back, an exception, or an interaction the call stopped at), the DB at rest.
 */
import { checkpoint, type Checkpoint } from "../core/virtual/rollback";
import type { ObservedModule } from "../core/engine/context";
import type { InteractionResponseData } from "../core/engine/types";
import type { SessionResponse } from "../core/virtual/session";
import { collectSubAction, type SubActionOutcome } from "../core/virtual/sub-action-outcome";
import type { DebugTarget } from "./target";

export type StopReason = "entry" | "breakpoint" | "step" | "pause" | "interaction" | "exception";

/** Where the run waits: before a module, after its inputs resolved, at its interaction, at its failure. */
export type Phase = "before" | "inputs" | "interaction" | "exception";

export interface Stop {
  reason: StopReason;
  module: ObservedModule;
  phase: Phase;
  hitBreakpointIds?: number[];
  description?: string;
}

/** A module a session ran, as the `wfvRan` event lists it (the editor's status lenses). */
export interface RanModule {
  step_id: string;
  module_name: string;
  status: "completed" | "awaiting_input" | "error";
  error_type?: string;
}

/** The failure an exception stop shows (the failed call's `error`, `error_type`, `error_details`). */
export interface RunFailure {
  message: string;
  error_type: string;
  details: Record<string, unknown>;
}

interface Boundary {
  module: ObservedModule;
  /** The DB just before the module started. */
  saved: Checkpoint;
  /** What the module produced, once it completed. */
  outputs?: Record<string, unknown>;
}

type Mode = "continue" | "next" | "stepIn" | "stepOut";
type Action = { kind: "run"; mode: Mode } | { kind: "rewind"; to: number; reason: StopReason; quiet?: boolean } | { kind: "stop" };

/** Thrown from a hook to end the call (a step back, a disconnect); the call's own rollback follows. */
class Rewind extends Error {
  constructor() {
    super("the debugger went back");
  }
}

export interface ControllerHooks {
  /** Decides at a module's start whether a breakpoint stops there (logpoints print and answer null). */
  breakpointAt(module: ObservedModule): number[] | null;
  /** Whether a breakpoint sits on this module (reverse continue: location only). */
  hasBreakpoint(module: ObservedModule): boolean;
  stopped(stop: Stop): void;
  /** The run is over: completed, reached its target, or stopped for good. */
  ended(message: string): void;
}

export interface RunOptions {
  workflow: unknown;
  target: { step_id: string; module_name: string };
  stopOnEntry: boolean;
  stopOnInteraction: boolean;
}

export class RunController {
  readonly boundaries: Boundary[] = [];
  /** Answers given while debugging, keyed `step_id/module_name`: the run's scripted answers (they win over remembered ones). */
  readonly answers: Record<string, InteractionResponseData> = {};
  current: Stop | null = null;
  /** The resolved inputs of the current module, once resolved in this call. */
  inputs: Record<string, unknown> | null = null;
  failure: RunFailure | null = null;
  /** The interaction request the run waits on (an interaction stop). */
  interaction: Record<string, unknown> | null = null;
  finished = false;

  private mode: Mode = "continue";
  private stepFrom: ObservedModule | null = null;
  private resume: ((action: Action) => void) | null = null;
  private calling = false;
  /** Modules the current call reached (a failure before any is not a module's). */
  private callModules = 0;
  private rewind: { to: number; reason: StopReason; quiet?: boolean } | null = null;
  private stopping = false;
  private skipStart = false;
  private pauseRequested = false;
  /** The run went through its target: the last boundary's module completed too. */
  private reachedTarget = false;
  private entryPending: boolean;
  /** The answer the next call gives the interaction the run waits on (parked at an interaction). */
  private answerNext: InteractionResponseData | null = null;

  constructor(
    private readonly target: DebugTarget,
    private readonly options: RunOptions,
    private readonly hooks: ControllerHooks,
  ) {
    this.entryPending = options.stopOnEntry;
  }

  /** Stopped (in a call or parked), so variables and expressions may be read. */
  get stopped(): boolean {
    return this.current !== null && !this.finished;
  }

  /** The outputs of the module that ran before the current one, in this session. */
  get lastOutputs(): Record<string, unknown> | null {
    const index = this.currentBoundary();
    for (let i = (this.current?.phase === "before" ? index - 1 : index); i >= 0; i--) {
      const outputs = this.boundaries[i]?.outputs;
      if (outputs) return outputs;
    }
    return null;
  }

  /**
   * The modules this session ran that the DB still holds, in order (a step back drops what it undid),
   * and the module it stands at when that one failed or waits on an answer.
   */
  ranModules(): RanModule[] {
    const entry = (module: ObservedModule, status: RanModule["status"]): RanModule => ({ step_id: module.stepId, module_name: module.moduleName, status });
    // The run went past every boundary but the last (an interaction there was answered, or it completed).
    const ran = this.boundaries.map(({ module }) => entry(module, "completed"));
    const at = this.current;
    const last = this.boundaries[this.boundaries.length - 1]?.module;
    // The last one completed only if the run went on from it: not when stopped at it (before it, at its
    // inputs, its failure or its question), nor when the run ended some other way than at its target.
    const stoppedAtLast = at !== null && last !== undefined && at.module.stepId === last.stepId && at.module.moduleName === last.moduleName;
    if (stoppedAtLast || (!at && !this.reachedTarget)) ran.pop();
    if (at?.phase === "exception") ran.push({ ...entry(at.module, "error"), ...(this.failure ? { error_type: this.failure.error_type } : {}) });
    else if (at?.phase === "interaction") ran.push(entry(at.module, "awaiting_input"));
    return ran;
  }

  start(): void {
    void this.runCall();
  }

  continue(mode: Mode = "continue"): void {
    this.act({ kind: "run", mode });
  }

  /** Stops before the next module; only while a call runs (not held, not parked: a stop is already a pause). */
  pause(): void {
    if (this.calling && !this.resume && !this.finished) this.pauseRequested = true;
  }

  /** Back one module boundary (reverse: to the last one with a breakpoint, else the first). */
  stepBack(reverse = false): boolean {
    const index = this.currentBoundary();
    if (index < 0) return false;
    // Before a module, or at its failure (the call was undone to there), the DB already is this boundary's.
    let to = this.current?.phase === "before" || this.current?.phase === "exception" ? index - 1 : index;
    if (reverse) {
      while (to > 0 && !this.hooks.hasBreakpoint(this.boundaries[to].module)) to--;
    }
    if (to < 0) return false;
    this.act({ kind: "rewind", to, reason: reverse && to > 0 ? "breakpoint" : reverse ? "entry" : "step" });
    return true;
  }

  /** Back to the first module this session ran, stopping there. */
  restart(): boolean {
    if (this.boundaries.length === 0) return false;
    this.act({ kind: "rewind", to: 0, reason: "entry" });
    return true;
  }

  /**
   * Runs a sub-action (a media Generate, …) of the interaction the run stopped at. Held inside a call, it
   * runs within that call (the DB is the call's); parked between calls, in turn with the DB's other calls.
   */
  async subAction(actionId: string, params: Record<string, unknown>): Promise<SubActionOutcome> {
    const interactionId = this.interaction?.interaction_id;
    if (this.current?.phase !== "interaction" || typeof interactionId !== "string") {
      return { progress: [], result: null, error: "the run is not waiting on an interaction" };
    }
    const held = this.resume !== null;
    const run = async (): Promise<SubActionOutcome> => {
      const outcome = await collectSubAction(
        this.target.session.subAction(
          this.options.workflow,
          { interaction_id: interactionId, sub_action_id: actionId, params },
          { mock: this.target.mock, providers: this.target.providers, within_call: held },
        ),
      );
      // What the panel shows may have changed with it (display data refreshed after a sub-action).
      this.interaction = this.pendingRequest() ?? this.interaction;
      return outcome;
    };
    return held ? run() : this.target.inTurn(run);
  }

  /** Answers the interaction the run stopped at, and goes on. */
  answer(response: InteractionResponseData): boolean {
    const stop = this.current;
    if (!stop || stop.phase !== "interaction") return false;
    this.answers[`${stop.module.stepId}/${stop.module.moduleName}`] = response;
    if (!this.resume) this.answerNext = response;
    this.act({ kind: "run", mode: "continue" });
    return true;
  }

  /** Ends the session: a call under way stops where it is (the DB as it was before the current module). */
  async stop(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.resume) {
      const index = this.currentBoundary();
      this.act(index >= 0 ? { kind: "rewind", to: index, reason: "step", quiet: true } : { kind: "stop" });
    }
    while (this.calling) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Changes the DB while stopped (a state edit): in a call, the call ends at the current module first, so the next one reads the new state. */
  async edit(change: () => void): Promise<void> {
    if (this.resume) {
      const index = this.currentBoundary();
      if (index >= 0) {
        const reason = this.current?.reason ?? "step";
        const waiting = this.waitParked();
        this.resume?.({ kind: "rewind", to: index, reason, quiet: true });
        this.resume = null;
        await waiting;
      }
    }
    await this.target.inTurn(async () => {
      change();
      const index = this.currentBoundary();
      if (index >= 0 && this.current?.phase === "before") this.boundaries[index].saved = checkpoint(this.target.session.db);
    });
    this.target.changed?.();
  }

  private parkedWaiters: Array<() => void> = [];
  private waitParked(): Promise<void> {
    return new Promise((resolve) => this.parkedWaiters.push(resolve));
  }

  private currentBoundary(): number {
    return this.boundaries.length - 1;
  }

  private act(action: Action): void {
    if (this.resume) {
      const resume = this.resume;
      this.resume = null;
      resume(action);
      return;
    }
    if (this.calling) return;
    // Parked: between calls, the DB at rest.
    if (action.kind === "rewind") void this.parkAt(action.to, action.reason);
    else if (action.kind === "run") {
      // Waiting on an answer: without one, there is nothing to run.
      if (this.current?.phase === "interaction" && !this.answerNext) {
        this.hooks.stopped(this.current);
        return;
      }
      this.mode = action.mode;
      this.stepFrom = this.current?.module ?? null;
      this.skipStart = this.current?.phase === "before" || this.current?.phase === "exception";
      this.current = null;
      void this.runCall();
    }
  }

  /** Waits in a hook for the user's next action; a rewind or stop ends the call. */
  private async hold(stop: Stop): Promise<void> {
    this.pauseRequested = false;
    this.current = stop;
    this.hooks.stopped(stop);
    const action = await new Promise<Action>((resolve) => (this.resume = resolve));
    if (action.kind === "rewind") {
      this.rewind = { to: action.to, reason: action.reason, quiet: action.quiet };
      throw new Rewind();
    }
    if (action.kind === "stop") {
      this.stopping = true;
      throw new Rewind();
    }
    this.mode = action.mode;
    this.stepFrom = stop.module;
    this.current = null;
  }

  private observer = {
    moduleStarting: async (module: ObservedModule): Promise<void> => {
      if (this.stopping || this.finished) {
        // Ended while running: the call stops here, and the DB stays as it is before this module.
        this.boundaries.push({ module, saved: checkpoint(this.target.session.db) });
        this.rewind = { to: this.currentBoundary(), reason: "step", quiet: true };
        throw new Rewind();
      }
      this.inputs = null;
      this.callModules++;
      if (this.skipStart) {
        this.skipStart = false;
        const last = this.boundaries[this.currentBoundary()];
        if (last && last.module.stepId === module.stepId && last.module.moduleName === module.moduleName) return;
      }
      this.boundaries.push({ module, saved: checkpoint(this.target.session.db) });
      const stop = this.stopAt(module);
      if (stop) await this.hold({ ...stop, module, phase: "before" });
    },
    inputsResolved: async (module: ObservedModule, inputs: Record<string, unknown>): Promise<void> => {
      this.inputs = inputs;
      const from = this.stepFrom;
      if (this.mode === "stepIn" && from && from.stepId === module.stepId && from.moduleName === module.moduleName) {
        await this.hold({ reason: "step", module, phase: "inputs" });
      }
    },
    moduleFinished: async (module: ObservedModule, outcome: { status: string; outputs?: Record<string, unknown>; error?: unknown }): Promise<void> => {
      if (outcome.error instanceof Rewind) return;
      const last = this.boundaries[this.currentBoundary()];
      if (outcome.status === "completed" && last) last.outputs = outcome.outputs;
      if (outcome.status !== "awaiting_input" || !this.options.stopOnInteraction) return;
      const key = `${module.stepId}/${module.moduleName}`;
      const isTarget = module.stepId === this.options.target.step_id && module.moduleName === this.options.target.module_name;
      // The target's interaction ends the call (up-to leaves it pending): it stops once the call is over.
      if (isTarget || this.answers[key]) return;
      this.interaction = this.pendingRequest();
      await this.hold({ reason: "interaction", module, phase: "interaction", description: describeInteraction(this.interaction) });
    },
  };

  private stopAt(module: ObservedModule): Pick<Stop, "reason" | "hitBreakpointIds"> | null {
    if (this.entryPending) {
      this.entryPending = false;
      return { reason: "entry" };
    }
    if (this.pauseRequested) {
      this.pauseRequested = false;
      return { reason: "pause" };
    }
    const hit = this.hooks.breakpointAt(module);
    if (hit) return { reason: "breakpoint", hitBreakpointIds: hit };
    if (this.mode === "next" || this.mode === "stepIn") return { reason: "step" };
    if (this.mode === "stepOut" && this.stepFrom && this.stepFrom.stepId !== module.stepId) return { reason: "step" };
    return null;
  }

  private pendingRequest(): Record<string, unknown> | null {
    const pending = this.target.session.interactionHistory().pending_interaction;
    return pending ?? null;
  }

  /** One up-to call, held at its modules; what it ended with decides what comes next. */
  private async runCall(): Promise<void> {
    if (this.calling) return;
    this.calling = true;
    this.callModules = 0;
    const answer = this.answerNext;
    this.answerNext = null;
    let response: SessionResponse | null = null;
    let thrown: unknown;
    try {
      response = await this.target.inTurn(() =>
        this.target.session.runUpTo(this.options.workflow, this.options.target, answer, {
          mock: this.target.mock,
          providers: this.target.providers,
          observer: this.observer,
          answers: this.answers,
          default_answers: true,
        }),
      );
    } catch (error) {
      thrown = error;
    } finally {
      this.calling = false;
    }
    this.resume = null;
    if (this.rewind) {
      const { to, reason, quiet } = this.rewind;
      this.rewind = null;
      await this.parkAt(to, reason, !quiet && !this.finished);
      return;
    }
    if (this.finished || this.stopping) {
      this.target.changed?.();
      return;
    }
    if (thrown !== undefined || !response) {
      this.failure = { message: String((thrown as Error)?.message ?? thrown), error_type: "execution_failed", details: {} };
      this.finish(`the run failed: ${this.failure.message}`);
      return;
    }
    await this.settle(response);
  }

  /** After a call: an exception or an interaction stops (parked); anything else ends the run. */
  private async settle(response: SessionResponse): Promise<void> {
    if (response.status === "error") {
      this.failure = { message: response.error ?? response.message ?? "the run failed", error_type: response.error_type ?? "execution_failed", details: response.error_details ?? {} };
      const index = this.currentBoundary();
      if (index < 0 || this.callModules === 0) {
        this.finish(`the run failed: ${this.failure.message}`);
        return;
      }
      // The call was undone; the DB goes to just before the module that failed, where the stop shows it.
      await this.target.inTurn(async () => this.boundaries[index].saved.restore());
      this.target.changed?.();
      this.park({ reason: "exception", module: this.boundaries[index].module, phase: "exception", description: this.failure.message });
      return;
    }
    this.target.changed?.();
    if (response.status === "awaiting_input") {
      this.interaction = this.pendingRequest();
      const progress = response.progress;
      const module = this.boundaries[this.currentBoundary()]?.module ?? { stepId: progress?.current_step ?? "", moduleName: progress?.current_module ?? "", moduleId: "", index: 0 };
      this.park({ reason: "interaction", module, phase: "interaction", description: describeInteraction(this.interaction) });
      return;
    }
    this.reachedTarget = true;
    this.finish(response.message ?? `the run ended (${response.status})`);
  }

  private finish(message: string): void {
    this.finished = true;
    this.current = null;
    this.hooks.ended(message);
  }

  /** The DB back to boundary `to` (before its module), stopped there between calls. */
  private async parkAt(to: number, reason: StopReason, announce = true): Promise<void> {
    const boundary = this.boundaries[to];
    if (!boundary) return;
    await this.target.inTurn(async () => boundary.saved.restore());
    this.boundaries.length = to + 1;
    boundary.outputs = undefined;
    this.target.changed?.();
    this.inputs = null;
    this.failure = null;
    this.interaction = null;
    this.park({ reason, module: boundary.module, phase: "before" }, announce);
  }

  private park(stop: Stop, announce = true): void {
    this.pauseRequested = false;
    this.current = stop;
    for (const waiter of this.parkedWaiters.splice(0)) waiter();
    if (announce && !this.finished) this.hooks.stopped(stop);
  }
}

function describeInteraction(request: Record<string, unknown> | null): string {
  if (!request) return "waiting for an answer";
  const title = typeof request.title === "string" ? request.title : typeof request.prompt === "string" ? request.prompt : "";
  return `${String(request.interaction_type ?? "interaction")}${title ? `: ${title}` : ""}`;
}
