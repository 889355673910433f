/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** What every interaction form is built from: the Submit bar and its summary, field rows, the problem line. */
import { h } from "./dom";
import type { Field } from "./structured";

/** What a form may ask of the panel (main.ts posts it to the host). */
export interface InteractionHost {
  submit(response: Record<string, unknown>): void;
  pickFile(accept: string[]): Promise<{ name: string; dataUrl: string; size: number; contentType: string } | null>;
  saveDownload(): void;
  runSubAction(actionId: string, params: Record<string, unknown>): Promise<{ ok: boolean; result: Record<string, unknown> | null; error: string | null; progress: Record<string, unknown>[] }>;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function submitButton(onClick: () => void, label = "Submit"): HTMLElement {
  return h("vscode-button", { id: "submit", className: "submit", onclick: onClick }, label);
}

/**
 * The Submit bar: sticky at the bottom of the panel while its form is on screen, so Submit stays
 * reachable under long lists; `summary` says in one line what will be sent.
 */
export function submitBar(submit: () => void, summary?: HTMLElement | null, ...extra: HTMLElement[]): HTMLElement {
  return h("div", { className: "actions submit-bar" }, submitButton(submit), extra, summary ?? null);
}

export function summaryLine(text = ""): HTMLElement {
  return h("span", { className: "selection-summary muted", "aria-live": "polite" }, text);
}

/** Fields as `label: value` rows; a nested object's rows indented under its label; JSON text preformatted. */
export function fieldRows(fields: Field[], className: string): HTMLElement {
  return h(
    "dl",
    { className },
    fields.map((f) => [
      h("dt", {}, f.label),
      h(
        "dd",
        { className: f.highlight ? "highlight" : "" },
        f.children ? fieldRows(f.children, "nested-fields") : f.block ? h("pre", { className: "json-text" }, f.value) : f.value,
      ),
    ]),
  );
}

export function problemLine(): HTMLElement {
  return h("p", { className: "problem", role: "alert", "aria-live": "polite" });
}

export function valueOf(el: Element): string {
  return String((el as unknown as { value?: unknown }).value ?? "");
}

/** Submit with Ctrl/Cmd+Enter anywhere in the form. */
export function withShortcut(form: HTMLElement, submit: () => void): HTMLElement {
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });
  return form;
}
