/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** The error view's buttons (issue 12.9): what the host says can be done about the error. */
import type { ErrorAction } from "../src/shared/protocol";
import { h } from "./dom";

export function actionLabel(action: ErrorAction): string {
  switch (action.kind) {
    case "set_api_key":
      return `Set API key (${action.provider})`;
    case "switch_to_mock":
      return "Switch to mock";
    case "apply_fix":
      return `Apply fix: ${action.title}`;
  }
}

const TOOLTIPS: Record<ErrorAction["kind"], string> = {
  set_api_key: "Store the provider's API key in VS Code's SecretStorage",
  switch_to_mock: "Turn wfv.mockMode on (no real LLM/HTTP/media calls) and run again",
  apply_fix: "Apply the language server's quick fix where the error points",
};

/** The buttons, or null when there is nothing to offer. `run` posts the chosen one. */
export function errorActionButtons(actions: ErrorAction[] | undefined, run: (action: ErrorAction) => void): HTMLElement | null {
  if (!actions || actions.length === 0) return null;
  return h(
    "div",
    { className: "actions error-actions", id: "error-actions" },
    actions.map((action, i) =>
      h(
        "vscode-button",
        { appearance: i === 0 ? "primary" : "secondary", className: `error-action error-action-${action.kind}`, title: TOOLTIPS[action.kind], onclick: () => run(action) },
        actionLabel(action),
      ),
    ),
  );
}
