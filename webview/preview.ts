/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The preview webview (issue 15): a rendered template (undefined parts marked, the error with its place,
 * the last good render dimmed while the template fails) or a pipeline's stages (count after each, the
 * first documents expandable). It speaks only src/shared/preview-protocol.ts: says `ready`, draws what
 * the host sends, acknowledges each drawing (`preview/shown`). The last view survives hiding (setState).
 */
import { parsePreviewHostMessage, type PreviewHostMessage, type Rendered } from "../src/shared/preview-protocol";
import { clear, h, type Child } from "./dom";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById("app") as HTMLElement;

function draw(message: PreviewHostMessage): void {
  clear(app);
  if (message.type === "preview/render") app.append(...templateView(message));
  else app.append(...stagesView(message));
}

function header(title: string, subtitle: string): Child[] {
  return [h("h2", { className: "title" }, title), h("p", { className: "muted subtitle" }, subtitle)];
}

function templateView(message: Extract<PreviewHostMessage, { type: "preview/render" }>): Node[] {
  const picker = h(
    "select",
    { id: "context", onchange: (event: Event) => vscode.postMessage({ type: "preview/context", context: (event.target as HTMLSelectElement).value }) },
    message.contexts.map((choice) => h("option", { value: choice.id, selected: choice.id === message.context }, choice.label)),
  );
  const { rendered } = message;
  const nodes: Node[] = [
    ...(header(message.title, message.subtitle) as Node[]),
    h("label", { className: "context" }, "Context: ", picker),
  ];
  if (message.problem) nodes.push(h("p", { className: "problem" }, message.problem));
  if (message.note) nodes.push(h("p", { className: "note", id: "note" }, message.note));
  if (rendered.error) {
    const place = rendered.error.line !== null ? `line ${rendered.error.line}${rendered.error.column !== null ? `, column ${rendered.error.column}` : ""}: ` : "";
    nodes.push(h("p", { className: "error", id: "error" }, `Error at ${place}${rendered.error.message}`));
  }
  const undefinedCount = rendered.undefinedSpans.length;
  if (undefinedCount > 0) nodes.push(h("p", { className: "muted legend" }, h("span", { className: "undefined" }, "marked"), ` ${undefinedCount} part${undefinedCount === 1 ? "" : "s"} from undefined variables`));
  nodes.push(h("pre", { id: "rendered", className: rendered.stale ? "rendered stale" : "rendered" }, textWithSpans(rendered)));
  return nodes;
}

/** The text, with the parts that came from undefined variables in marked spans. */
function textWithSpans(rendered: Rendered): Child[] {
  const spans = [...rendered.undefinedSpans].sort((a, b) => a.start - b.start);
  const parts: Child[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at || span.end > rendered.text.length) continue;
    parts.push(rendered.text.slice(at, span.start));
    const shown = rendered.text.slice(span.start, span.end);
    parts.push(h("mark", { className: "undefined", title: `undefined${span.name ? `: ${span.name}` : ""}` }, shown === "" ? `⟨${span.name ?? "undefined"}⟩` : shown));
    at = span.end;
  }
  parts.push(rendered.text.slice(at));
  return parts;
}

function stagesView(message: Extract<PreviewHostMessage, { type: "stages/show" }>): Node[] {
  const nodes: Node[] = [...(header(message.title, message.subtitle) as Node[])];
  if (message.problem) nodes.push(h("p", { className: "problem" }, message.problem));
  const list = h("ol", { className: "stages", id: "stages" });
  for (const stage of message.stages) {
    const count =
      stage.error !== undefined
        ? h("span", { className: "error" }, `error: ${stage.error}`)
        : stage.count === null
          ? h("span", { className: "muted" }, `not run${stage.skipped ? `: ${stage.skipped}` : ""}`)
          : h("span", { className: "count" }, `${stage.count} document${stage.count === 1 ? "" : "s"}`);
    const summary = h("summary", {}, h("code", {}, stage.operator || "(stage)"), " → ", count);
    const samples = stage.sample.length === 0 ? h("p", { className: "muted" }, "no documents") : h("pre", { className: "sample" }, stage.sample.map((doc) => JSON.stringify(doc, null, 2)).join("\n"));
    list.append(h("li", { dataset: { stage: String(stage.stage), count: String(stage.count ?? "") } }, h("details", {}, summary, samples)));
  }
  nodes.push(list);
  return nodes;
}

window.addEventListener("message", (event: MessageEvent) => {
  const message = parsePreviewHostMessage(event.data);
  if (!message) return;
  draw(message);
  vscode.setState(message);
  vscode.postMessage({ type: "preview/shown", seq: message.seq });
});

const restored = parsePreviewHostMessage(vscode.getState());
if (restored) draw(restored);
vscode.postMessage({ type: "ready" });
