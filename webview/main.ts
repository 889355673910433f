/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The panel UI (browser bundle). It speaks only the protocol in src/shared/protocol.ts: says `ready`,
 * renders what the host sends, posts answers back. Its view survives hiding and reloads through
 * `setState`/`getState` (no retainContextWhenHidden).
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeLink,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextArea,
  vsCodeTextField,
} from "@vscode/webview-ui-toolkit";
import { parseHostMessage, webviewStateSchema, type HostMessage, type RunView, type WebviewMessage, type WebviewState } from "../src/shared/protocol";
import { clear, h } from "./dom";
import { renderInteraction, type InteractionHost } from "./interactions";
import { errorActionButtons } from "./error-actions";
import { jsonTree } from "./json-tree";
import { dbChangesTab } from "./db-diff";
import { inputsTab } from "./inputs";
import { traceTab } from "./trace";

/**
 * The toolkit's components in two parts: what the first paint shows (the header's badge, the
 * progress ring of a starting run) before `ready`; the rest (a run's view and its forms) right after
 * `ready` is posted, while the host answers, and always before any host message is handled.
 */
const designSystem = provideVSCodeDesignSystem();
const registerFirstPaint = () => designSystem.register(vsCodeBadge(), vsCodeProgressRing());
const registerTheRest = () =>
  designSystem.register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeLink(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeTextArea(),
    vsCodeTextField(),
  );

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById("app") as HTMLElement;
const restored = webviewStateSchema.safeParse(vscode.getState());
let state: WebviewState = restored.success
  ? restored.data
  : { workflowFile: app.dataset.workflowFile ?? "", workflowName: "", view: null };
let mock = true;
let busy: { stepId: string; moduleName: string } | null = null;
/** The workflow's pinned modules (`step_id/module_name`), as the host last said (null: as the shown run used them). */
let pinnedNow: string[] | null = null;

const pendingFiles = new Map<string, (file: { name: string; dataUrl: string; size: number; contentType: string } | null) => void>();
const pendingSubActions = new Map<string, (r: { ok: boolean; result: Record<string, unknown> | null; error: string | null; progress: Record<string, unknown>[] }) => void>();
let requestSeq = 0;

function save(): void {
  vscode.setState(state);
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function hostFor(view: RunView): InteractionHost {
  return {
    submit(response) {
      busy = { stepId: view.stepId, moduleName: view.moduleName };
      render();
      post({ type: "interaction/submit", runId: view.runId, target: { stepId: view.stepId, moduleName: view.moduleName, mode: view.mode }, response });
    },
    pickFile(accept) {
      const requestId = `f${++requestSeq}`;
      post({ type: "file/pick", requestId, accept });
      return new Promise((resolve) => pendingFiles.set(requestId, resolve));
    },
    saveDownload() {
      post({ type: "download/save", runId: view.runId });
    },
    runSubAction(actionId, params) {
      const requestId = `s${++requestSeq}`;
      post({ type: "subaction/run", requestId, runId: view.runId, actionId, params });
      return new Promise((resolve) => pendingSubActions.set(requestId, resolve));
    },
  };
}

const STATUS_LABEL: Record<RunView["status"], string> = {
  awaiting_input: "awaiting input",
  completed: "completed",
  error: "error",
  validation_failed: "validation failed",
};

function header(): HTMLElement {
  return h(
    "header",
    { className: "panel-header" },
    h("div", { className: "panel-title", title: `${state.workflowName} · ${state.workflowFile}` }, h("strong", {}, state.workflowName || state.workflowFile), h("span", { className: "muted" }, ` · ${state.workflowFile}`)),
    h("vscode-badge", { title: mock ? "Mock mode: no real LLM/HTTP/media calls" : "Real mode" }, mock ? "mock" : "real"),
  );
}

function errorSection(view: RunView): HTMLElement | null {
  const error = view.error;
  if (!error) return null;
  const link = error.source;
  return h(
    "section",
    { className: "error", role: "alert" },
    h("h2", {}, h("span", { className: "error-type", id: "error-type" }, error.error_type)),
    // An up_to run fails at an earlier module: name it, so the error does not read as the target's.
    failedElsewhere(view) ? h("p", { className: "notice", id: "error-module" }, `In ${failedElsewhere(view)}`) : null,
    // A failed validation_pattern: the module's validation_error (the engine's retry_feedback) leads;
    // the engine's own wording ("Retry requested…") follows, muted.
    typeof error.details.retry_feedback === "string" && error.details.retry_feedback !== ""
      ? h("p", { className: "error-feedback", id: "error-feedback" }, error.details.retry_feedback)
      : null,
    h("p", { className: `error-message${typeof error.details.retry_feedback === "string" && error.details.retry_feedback !== "" ? " muted" : ""}` }, error.message),
    errorActionButtons(error.actions, (action) => post({ type: "error/action", runId: view.runId, action })),
    link
      ? h(
          "p",
          {},
          h(
            "vscode-link",
            { id: "go-to-source", href: "#", onclick: (e: Event) => (e.preventDefault(), post({ type: "source/open", link })) },
            "Go to source",
          ),
          h("span", { className: "muted" }, ` ${link.file}${link.path.length ? ` ${formatPath(link.path)}` : ""}`),
        )
      : null,
    Object.keys(error.details).length > 0 ? h("div", { className: "details" }, h("h3", {}, "Details"), jsonTree(error.details, 2)) : null,
  );
}

/** `step / module` of the module that failed, when it is not the one the run view is headed with. */
function failedElsewhere(view: RunView): string | null {
  const details = view.error?.details ?? {};
  const moduleName = typeof details.module_name === "string" ? details.module_name : null;
  if (moduleName === null) return null;
  const stepId = typeof details.step_id === "string" ? details.step_id : view.stepId;
  return moduleName === view.moduleName && stepId === view.stepId ? null : `${stepId} / ${moduleName}`;
}

function formatPath(path: (string | number)[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

function resultTabs(view: RunView): HTMLElement | null {
  const tabs: [string, string, HTMLElement][] = [];
  if (view.outputs) tabs.push(["outputs", "Outputs", jsonTree(view.outputs, 3)]);
  if (view.inputs) tabs.push(["inputs", "Inputs", inputsTab(view.inputs, view.validationWarnings)]);
  if (view.trace && view.trace.length > 0) tabs.push(["trace", "Trace", traceTab(view.trace)]);
  if (view.state) tabs.push(["state", "State", jsonTree(view.state, 1)]);
  if (view.changes) tabs.push(["changes", "DB changes", dbChangesTab(view.changes)]);
  if (tabs.length === 0) return null;
  return h(
    "vscode-panels",
    { className: "results", "aria-label": "Run results" },
    tabs.map(([id]) => h("vscode-panel-tab", { id: `tab-${id}` }, tabs.find((t) => t[0] === id)?.[1] ?? id)),
    tabs.map(([id, , body]) => h("vscode-panel-view", { id: `view-${id}`, className: `view-${id}` }, body)),
  );
}

/** The run's definition warnings (unknown inputs, duplicate module names, state keys nothing produces). */
function warningsSection(view: RunView): HTMLElement | null {
  const warnings = (view.validationWarnings ?? []).filter((w): w is Record<string, unknown> => typeof w === "object" && w !== null);
  if (warnings.length === 0) return null;
  return h(
    "div",
    { className: "validation validation-warnings" },
    h("h3", {}, `Warnings (${warnings.length})`),
    h("ul", {}, warnings.map((w) => h("li", { title: String(w.field ?? "") }, String(w.message ?? w.id ?? "")))),
  );
}

/** Pin output / Unpin and Save Run as Test… for the shown run. */
function testActions(view: RunView): HTMLElement {
  const key = `${view.stepId}/${view.moduleName}`;
  const pinned = (pinnedNow ?? view.pinned ?? []).includes(key);
  return h(
    "div",
    { className: "test-actions" },
    pinned
      ? h("vscode-button", { id: "unpin", appearance: "secondary", title: "Run this module again instead of using its pinned outputs", onclick: () => post({ type: "pin/clear", stepId: view.stepId, moduleName: view.moduleName }) }, "Unpin")
      : view.status === "completed" && view.outputs
        ? h("vscode-button", { id: "pin-output", appearance: "secondary", title: "Store these outputs in .wfv/pins.json: the module does not run until unpinned", onclick: () => post({ type: "pin/set", runId: view.runId }) }, "Pin output")
        : null,
    h("vscode-button", { id: "save-run-as-test", appearance: "secondary", title: "Record this run up to this module as a *.wfvtest.json", onclick: () => post({ type: "test/save" }) }, "Save Run as Test…"),
  );
}

function runSection(view: RunView): HTMLElement {
  const isBusy = busy !== null;
  return h(
    "section",
    { className: `run run-${view.status}`, dataset: { status: view.status } },
    h(
      "div",
      { className: "run-header" },
      h("span", { className: `status status-${view.status}`, id: "run-status" }, STATUS_LABEL[view.status]),
      h("span", { className: "run-target", title: `${view.stepId} / ${view.moduleName}` }, ` ${view.stepId} / `, h("strong", { className: "module-name", title: view.moduleName }, view.moduleName)),
      h("span", { className: "muted" }, view.mode === "up_to" ? " (run up to here)" : ""),
      h("vscode-button", { appearance: "icon", "aria-label": "Run again", title: "Run again", onclick: () => post({ type: "run/again" }) }, "↻"),
    ),
    view.pinned?.length ? h("p", { className: "notice pinned", id: "pinned-notice" }, `Pinned (did not run, pinned outputs used): ${view.pinned.join(", ")}`) : null,
    view.stoppedAt ? h("p", { className: "notice" }, `Stopped earlier, at ${view.stoppedAt.stepId} / ${view.stoppedAt.moduleName}, which asks first:`) : null,
    view.message && view.status !== "error" ? h("p", { className: "muted" }, view.message) : null,
    errorSection(view),
    view.validationErrors.length > 0 ? h("div", { className: "validation" }, h("h3", {}, "Validation"), jsonTree(view.validationErrors, 2)) : null,
    warningsSection(view),
    view.status === "awaiting_input" && view.interaction && !isBusy ? renderInteraction(view.interaction, hostFor(view)) : null,
    resultTabs(view),
    testActions(view),
  );
}

function render(): void {
  clear(app);
  app.append(header());
  if (busy) app.append(h("p", { className: "busy" }, h("vscode-progress-ring", {}), ` Running ${busy.stepId} / ${busy.moduleName}…`));
  const view = state.view;
  if (view) app.append(runSection(view));
  else if (!busy) app.append(h("p", { className: "muted empty" }, "Run a module with the “Run module virtually” lens above it."));
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case "panel/init":
      state = { ...state, workflowFile: message.workflowFile, workflowName: message.workflowName };
      mock = message.mock;
      break;
    case "mock/changed":
      mock = message.mock;
      break;
    case "run/started":
      busy = { stepId: message.stepId, moduleName: message.moduleName };
      break;
    case "run/result":
      busy = null;
      pinnedNow = null;
      state = { ...state, view: message.view };
      break;
    case "state/show":
      state = {
        ...state,
        view: state.view ? { ...state.view, state: message.state } : null,
      };
      break;
    case "error/actions":
      if (state.view?.error && state.view.runId === message.runId) state = { ...state, view: { ...state.view, error: { ...state.view.error, actions: message.actions } } };
      break;
    case "pins/changed":
      pinnedNow = message.pinned;
      break;
    case "db/reset":
      busy = null;
      state = { ...state, view: null };
      break;
    case "file/picked":
      pendingFiles.get(message.requestId)?.(message.file);
      pendingFiles.delete(message.requestId);
      return;
    case "subaction/result":
      pendingSubActions.get(message.requestId)?.(message);
      pendingSubActions.delete(message.requestId);
      return;
  }
  save();
  render();
}

window.addEventListener("message", (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (message) handle(message);
});

registerFirstPaint();
// A view restored after a reload needs every component before its first paint.
if (state.view) registerTheRest();
save();
render();
post({ type: "ready" });
if (!state.view) registerTheRest();
