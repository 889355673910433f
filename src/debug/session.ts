/**
 * The debug adapter (issue 14): DAP requests onto a {@link RunController}. One thread (the run); the
 * stack is the current module inside its step, each frame's source the range where it was written.
 * The same class serves `wfv dap` (over stdio) and the extension (in the engine's worker, through its
 * DAP channel); a {@link DebugTargetLoader} says where the workflow and its DB come from.
 *
 * Custom requests: `wfvInteraction` answers the interaction the run waits on (`{request, step_id,
 * module_name}`, request null when none); `wfvAnswer {response}` answers it (the body the panel and
 * the CLI submit) and goes on; `wfvSubAction {action_id, params}` runs one of its sub-actions (a media
 * Generate) and answers `{progress, result, error}`.
 */
import { DebugSession, Event, InitializedEvent, OutputEvent, Source, StoppedEvent, TerminatedEvent } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { InteractionResponseData } from "../core/engine/types";
import { WfvError } from "../core/errors";
import { errorSource } from "../core/workflow/error-source";
import { validateWorkflow, type Workflow } from "../core/workflow/model";
import { Breakpoints, type BreakpointRequest } from "./breakpoints";
import { evaluateExpression, preview } from "./expressions";
import { RunController, type Stop } from "./run-controller";
import { DebugScopes } from "./scopes";
import { buildSourceMap, type SourceMap } from "./source-map";
import type { DebugTarget, DebugTargetLoader, WfvLaunchArguments } from "./target";

const THREAD_ID = 1;
/** Frame ids: the module, and its step. */
const MODULE_FRAME = 1;
const STEP_FRAME = 2;

export class WorkflowDebugSession extends DebugSession {
  private target: DebugTarget | null = null;
  private workflow: Workflow | null = null;
  private map: SourceMap | undefined;
  private controller: RunController | null = null;
  private scopes: DebugScopes | null = null;
  private readonly breakpoints = new Breakpoints();
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((resolve) => (this.configured = resolve));

  constructor(private readonly loader: DebugTargetLoader) {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsValueFormattingOptions: false,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const launch = args as WfvLaunchArguments;
    try {
      if (typeof launch.workflow !== "string" || launch.workflow === "") throw new WfvError("bad_request", "the launch configuration needs `workflow`: the workflow file", {});
      const target = await this.loader.load(launch);
      this.target = target;
      this.workflow = validateWorkflow(target.source.workflow);
      this.map = buildSourceMap(target.source, this.workflow, (file) => target.fileText(file));
      this.scopes = new DebugScopes(target, this.workflow, () => this.controller);
    } catch (error) {
      this.sendErrorResponse(response, { id: 1, format: `wfv: ${(error as Error).message}`, showUser: true });
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const workflow = this.workflow;
    const runTarget = launch.target ?? lastModule(workflow);
    if (!runTarget) {
      this.sendErrorResponse(response, { id: 2, format: "wfv: the workflow has no module to run", showUser: true });
      this.sendEvent(new TerminatedEvent());
      return;
    }
    // Breakpoints set before the workflow was loaded are placed now.
    for (const [path, requests] of this.breakpoints.requests()) {
      const file = this.relativeFile(path);
      if (file !== undefined && file !== path) this.breakpoints.move(path, file, requests, this.map);
    }
    this.controller = new RunController(this.target, { workflow: this.target.workflowToRun ?? this.target.source.workflow, target: runTarget, stopOnEntry: launch.stopOnEntry === true, stopOnInteraction: launch.stopOnInteraction !== false }, {
      breakpointAt: (module) => {
        const check = this.breakpoints.check(module, () => this.scopes!.expressionScope(module));
        for (const line of [...check.logs, ...check.errors]) this.sendEvent(new OutputEvent(`${line}\n`, check.errors.includes(line) ? "stderr" : "console"));
        return check.stop.length > 0 ? check.stop : null;
      },
      hasBreakpoint: (module) => this.breakpoints.has(module),
      stopped: (stop) => this.onStopped(stop),
      ended: (message) => {
        this.sendEvent(new OutputEvent(`${message}\n`, "console"));
        this.sendRan();
        this.sendEvent(new TerminatedEvent());
      },
    });
    this.sendEvent(new InitializedEvent());
    await this.configurationDone;
    this.sendResponse(response);
    this.controller.start();
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path !== undefined ? this.relativeFile(args.source.path) : undefined;
    const given: DebugProtocol.SourceBreakpoint[] = args.breakpoints ?? args.lines?.map((line) => ({ line })) ?? [];
    const requests: BreakpointRequest[] = given.map((breakpoint) => ({
      line: this.convertClientLineToDebugger(breakpoint.line),
      condition: breakpoint.condition,
      hitCondition: breakpoint.hitCondition,
      logMessage: breakpoint.logMessage,
    }));
    // Before launch the files are not known yet: kept by path, placed once loaded.
    const key = file ?? (this.target ? undefined : args.source.path);
    const placed = this.breakpoints.set(key, requests, this.map);
    response.body = {
      breakpoints: placed.map((breakpoint) => ({
        id: breakpoint.id,
        verified: breakpoint.verified,
        line: this.convertDebuggerLineToClient(breakpoint.line),
        ...(breakpoint.message ? { message: breakpoint.message } : {}),
        ...(args.source.path ? { source: new Source(args.source.name ?? args.source.path, args.source.path) } : {}),
      })),
    };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [{ id: THREAD_ID, name: "workflow" }] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const stop = this.controller?.current;
    const frames: DebugProtocol.StackFrame[] = [];
    if (stop && this.target) {
      const range = this.map?.rangeOf(stop.module.stepId, stop.module.moduleName);
      const cause = stop.phase === "exception" ? this.exceptionSource() : null;
      const file = cause?.file ?? range?.file;
      const line = cause?.line !== undefined && cause.line !== null ? cause.line - 1 : (range?.startLine ?? 0);
      frames.push({
        id: MODULE_FRAME,
        name: `${stop.module.moduleName} (${stop.module.moduleId})`,
        line: this.convertDebuggerLineToClient(line),
        column: this.convertDebuggerColumnToClient(0),
        ...(range && cause === null ? { endLine: this.convertDebuggerLineToClient(range.endLine) } : {}),
        ...(file !== undefined ? { source: this.sourceOf(file) } : {}),
      });
      const stepStart = this.map?.modules.find((module) => module.stepId === stop.module.stepId);
      frames.push({
        id: STEP_FRAME,
        name: `step ${stop.module.stepId}`,
        line: this.convertDebuggerLineToClient(stepStart?.startLine ?? 0),
        column: this.convertDebuggerColumnToClient(0),
        ...(stepStart ? { source: this.sourceOf(stepStart.file) } : {}),
        presentationHint: "subtle",
      });
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    response.body = { scopes: this.scopes && this.controller?.stopped ? this.scopes.scopes() : [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.scopes ? this.scopes.variables(args.variablesReference, args.start, args.count) : [] };
    this.sendResponse(response);
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    try {
      if (!this.scopes || !this.controller?.stopped) throw new Error("the run is not stopped");
      const variable = await this.scopes.setVariable(args.variablesReference, args.name, args.value);
      response.body = { value: variable.value, variablesReference: variable.variablesReference, ...(variable.indexedVariables ? { indexedVariables: variable.indexedVariables } : {}) };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 3, format: (error as Error).message, showUser: true });
    }
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const stop = this.controller?.current;
    if (!this.scopes || !stop) {
      this.sendErrorResponse(response, { id: 4, format: "the run is not stopped" });
      return;
    }
    try {
      // A hover names what is under the pointer: a bare name (`keyword_count`) is read from the state.
      const expression = args.context === "hover" && !/^\s*(state|step|config)\b/.test(args.expression) ? `state.${args.expression.trim()}` : args.expression;
      const value = evaluateExpression(expression, this.scopes.expressionScope(stop.module));
      const variable = this.scopes.store.variable(args.expression, value, args.expression);
      response.body = { result: args.context === "repl" && typeof value === "string" ? value : preview(value, 4000), type: variable.type, variablesReference: variable.variablesReference, ...(variable.indexedVariables ? { indexedVariables: variable.indexedVariables } : {}) };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 5, format: (error as Error).message, showUser: args.context === "repl" });
    }
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const failure = this.controller?.failure;
    const stop = this.controller?.current;
    if (!failure || !stop) {
      this.sendErrorResponse(response, { id: 6, format: "the run did not stop at an error" });
      return;
    }
    const cause = this.exceptionSource();
    const where = cause ? `${cause.file}${cause.line ? `:${cause.line}` : ""}` : `${stop.module.stepId}/${stop.module.moduleName}`;
    response.body = {
      exceptionId: failure.error_type,
      description: failure.message,
      breakMode: "always",
      details: {
        message: failure.message,
        typeName: failure.error_type,
        stackTrace: `at ${stop.module.stepId}/${stop.module.moduleName} (${where})`,
        evaluateName: JSON.stringify(failure.details),
      },
    };
    Object.assign(response.body, { error_type: failure.error_type, error_details: failure.details, source: cause });
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.resumeWith(response, () => this.controller?.continue("continue"));
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.resumeWith(response, () => this.controller?.continue("next"));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.resumeWith(response, () => this.controller?.continue("stepIn"));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.resumeWith(response, () => this.controller?.continue("stepOut"));
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.rewindWith(response, () => this.controller?.stepBack() ?? false, "there is no earlier module to go back to");
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.rewindWith(response, () => this.controller?.stepBack(true) ?? false, "there is no earlier module to go back to");
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.rewindWith(response, () => this.controller?.restart() ?? false, "nothing ran yet");
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.controller?.pause();
    this.sendResponse(response);
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.end();
    this.sendResponse(response);
    // Over stdio the process ends here; in a host (setRunAsServer) it does not.
    this.shutdown();
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.end();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const controller = this.controller;
    if (command === "wfvSubAction") {
      const { action_id: actionId, params } = (args ?? {}) as { action_id?: unknown; params?: unknown };
      if (!controller || typeof actionId !== "string") {
        this.sendErrorResponse(response, { id: 10, format: "wfvSubAction needs {action_id, params?}: the sub-action of the interaction the run stopped at" });
        return;
      }
      const given = params !== null && typeof params === "object" && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
      void controller.subAction(actionId, given).then(
        (outcome) => {
          this.scopes?.store.reset();
          response.body = outcome;
          this.sendResponse(response);
        },
        // Never leave the editor waiting on an answer (the DB's turn failed, the worker went away).
        (error: unknown) => this.sendErrorResponse(response, { id: 11, format: `wfvSubAction failed: ${(error as Error)?.message ?? error}` }),
      );
      return;
    }
    if (command === "wfvInteraction") {
      const stop = controller?.current;
      const waiting = stop?.phase === "interaction";
      response.body = { request: waiting ? controller?.interaction ?? null : null, ...(waiting && stop ? { step_id: stop.module.stepId, module_name: stop.module.moduleName } : {}) };
      this.sendResponse(response);
      return;
    }
    if (command === "wfvAnswer") {
      const answer = (args as { response?: unknown } | undefined)?.response;
      if (answer === null || typeof answer !== "object" || Array.isArray(answer)) {
        this.sendErrorResponse(response, { id: 7, format: "wfvAnswer needs {response: {…}}: the interaction's answer" });
        return;
      }
      this.scopes?.store.reset();
      if (!controller?.answer(answer as InteractionResponseData)) {
        this.sendErrorResponse(response, { id: 8, format: "the run is not waiting on an interaction" });
        return;
      }
      this.sendResponse(response);
      return;
    }
    super.customRequest(command, response, args);
  }

  /** Ends the session from its host (the editor went away): the run stops where it stands. */
  async close(): Promise<void> {
    await this.end();
  }

  /** Ends the run where it stands (the DB stays as the session left it). */
  private async end(): Promise<void> {
    await this.controller?.stop();
    this.sendRan();
    this.target?.dispose?.();
  }

  /** Custom event `wfvRan` (body `{modules}`): what the session ran, for an editor's status marks; sent at every stop and at the end. */
  private sendRan(): void {
    if (this.controller) this.sendEvent(new Event("wfvRan", { modules: this.controller.ranModules() }));
  }

  private resumeWith(response: DebugProtocol.Response, resume: () => void): void {
    this.scopes?.store.reset();
    this.sendResponse(response);
    resume();
  }

  private rewindWith(response: DebugProtocol.Response, rewind: () => boolean, refusal: string): void {
    this.scopes?.store.reset();
    if (!rewind()) {
      this.sendErrorResponse(response, { id: 9, format: refusal });
      return;
    }
    this.sendResponse(response);
  }

  private onStopped(stop: Stop): void {
    this.scopes?.store.reset();
    const event = new StoppedEvent(stop.reason, THREAD_ID, stop.phase === "exception" ? this.controller?.failure?.message : undefined) as DebugProtocol.StoppedEvent;
    event.body.allThreadsStopped = true;
    if (stop.description) event.body.description = stop.description;
    if (stop.hitBreakpointIds) event.body.hitBreakpointIds = stop.hitBreakpointIds;
    this.sendRan();
    this.sendEvent(event);
  }

  /** Where the current failure points in the files (1-based line), when its details say. */
  private exceptionSource(): { file: string; line: number | null } | null {
    const failure = this.controller?.failure;
    const target = this.target;
    if (!failure || !target) return null;
    try {
      const found = errorSource(target.source, failure.details, (file) => target.fileText(file));
      return found ? { file: found.file, line: found.line } : null;
    } catch {
      return null;
    }
  }

  private sourceOf(file: string): Source {
    const path = this.target?.absolutePath(file) ?? file;
    return new Source(file.split("/").pop() ?? file, this.convertDebuggerPathToClient(path));
  }

  private relativeFile(path: string): string | undefined {
    return this.target?.relativeFile(this.convertClientPathToDebugger(path));
  }
}

/** The run's default target: the last module of the last step that has one. */
function lastModule(workflow: Workflow): { step_id: string; module_name: string } | undefined {
  for (let i = workflow.steps.length - 1; i >= 0; i--) {
    const modules = workflow.steps[i].modules ?? [];
    const last = modules[modules.length - 1];
    if (last) return { step_id: workflow.steps[i].step_id, module_name: last.name ?? last.module_id };
  }
  return undefined;
}
