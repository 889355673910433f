/**
 * What the author sees at a stop: the scopes State (the flat state, `get_module_outputs`), Inputs
 * (the current module's, resolved), Last outputs, Step and Config; the context Jinja2 expressions
 * evaluate in; and edits of State. An edit is recorded as an explicit event, never a silent change of
 * the DB: a `sub_action_completed` whose `_state_mapped` carries the new value (its
 * `sub_action_id` is `wfv_debugger_set_variable`), which state reconstruction applies like any other
 * mapped key (docs/README.md, ruling 22).
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { ObservedModule } from "../core/engine/context";
import { createEventView, type EventView } from "../core/engine/event-view";
import { resolveModuleInputs } from "../core/engine/resolve";
import { parseJsonKeepingFloats } from "../core/template";
import { EventType } from "../core/repositories";
import { findStep, findModule, type Workflow } from "../core/workflow/model";
import { evaluateExpression, type ExpressionScope } from "./expressions";
import type { RunController } from "./run-controller";
import type { DebugTarget } from "./target";
import { VariableStore, withPath } from "./variables";

export const SET_VARIABLE_SUB_ACTION = "wfv_debugger_set_variable";

export class DebugScopes {
  readonly store = new VariableStore();
  private readonly view: EventView;
  private stateHandle = 0;

  constructor(
    private readonly target: DebugTarget,
    private readonly workflow: Workflow,
    private readonly controller: () => RunController | null,
  ) {
    this.view = createEventView(target.session.repos);
  }

  /** The flat state as the DB holds it now. */
  state(): Record<string, unknown> {
    const runId = this.target.session.findRunId();
    return runId ? this.view.moduleOutputs(runId) : {};
  }

  expressionScope(module: Pick<ObservedModule, "stepId">): ExpressionScope {
    const step = findStep(this.workflow, module.stepId);
    return { state: this.state(), step: (step ?? {}) as Record<string, unknown>, config: (this.workflow.config as Record<string, unknown> | undefined) ?? {} };
  }

  /** The current module's inputs: as resolved in this call, else resolved now against the state. */
  private inputs(module: ObservedModule): { value: unknown; note?: string } {
    const resolved = this.controller()?.inputs;
    if (resolved) return { value: resolved };
    const step = findStep(this.workflow, module.stepId);
    const config = step ? findModule(step, module.moduleName) : undefined;
    if (!step || !config) return { value: {} };
    try {
      return { value: resolveModuleInputs({ ...(config.inputs ?? {}) }, this.state(), step, this.workflow, { step_id: module.stepId, module_name: module.moduleName }) };
    } catch (error) {
      return { value: { error: (error as Error).message } };
    }
  }

  scopes(): DebugProtocol.Scope[] {
    const controller = this.controller();
    const stop = controller?.current;
    if (!stop) return [];
    const state = this.state();
    this.stateHandle = this.store.handleFor(state, "state", []);
    const step = findStep(this.workflow, stop.module.stepId) ?? {};
    const scope = (name: string, value: unknown, path: string, expensive = false): DebugProtocol.Scope => ({
      name,
      variablesReference: this.store.handleFor(value ?? {}, path),
      namedVariables: value && typeof value === "object" ? Object.keys(value).length : 0,
      expensive,
    });
    return [
      { name: "State", variablesReference: this.stateHandle, namedVariables: Object.keys(state).length, expensive: false, presentationHint: "locals" },
      scope("Inputs", this.inputs(stop.module).value, `inputs`),
      scope("Last outputs", controller?.lastOutputs ?? {}, "outputs"),
      scope("Step", step, "step"),
      scope("Config", this.workflow.config ?? {}, "config"),
    ];
  }

  variables(reference: number, start?: number, count?: number): DebugProtocol.Variable[] {
    return this.store.children(reference, start, count);
  }

  /**
   * Sets a value in State (a top-level key or anything below it). The text is JSON, else a Jinja2
   * expression over the current context (`state.count + 1`).
   */
  async setVariable(reference: number, name: string, text: string): Promise<DebugProtocol.Variable> {
    const path = this.store.statePathOf(reference, name);
    const controller = this.controller();
    const stop = controller?.current;
    if (!path || path.length === 0 || !controller || !stop) throw new Error("only values in State can be changed");
    let value: unknown;
    try {
      value = parseJsonKeepingFloats(text);
    } catch {
      value = evaluateExpression(text, this.expressionScope(stop.module));
    }
    const [top, ...rest] = path;
    const key = String(top);
    const next = withPath(this.state()[key], rest, value);
    await controller.edit(() => {
      const runId = this.target.session.findRunId();
      if (!runId) throw new Error("the run has no state yet");
      this.target.session.repos.events.storeEvent({
        workflowRunId: runId,
        eventType: EventType.SUB_ACTION_COMPLETED,
        data: { execution_id: this.target.session.db.newUuid7Hex(), sub_action_id: SET_VARIABLE_SUB_ACTION, child_state: {}, _state_mapped: { [key]: next } },
        stepId: stop.module.stepId,
        moduleName: stop.module.moduleName,
      });
    });
    return this.store.variable(name, value, name);
  }
}
