/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The Trace tab: the modules a run ran, in order, each with its duration and how it ended, and for
 * each interaction who answered it — you, a remembered answer, auto-selection, a mock default — and with what.
 */
import type { TraceEntryView } from "../src/shared/run-story";
import { h } from "./dom";
import { shortText } from "./story-values";

type Answer = NonNullable<TraceEntryView["answer"]>;

const SOURCE_LABEL: Record<Answer["source"], string> = {
  user: "your answer",
  scripted: "scripted answer",
  remembered: "remembered answer",
  auto_select: "auto-selected",
  mock_default: "mock default",
};

const STATUS_LABEL: Record<TraceEntryView["status"], string> = {
  running: "cut short",
  completed: "completed",
  awaiting_input: "awaiting input",
  error: "error",
};

/** Who answered, e.g. "mock default (text_mock)". */
export function answerSource(answer: Answer): string {
  return answer.rule ? `${SOURCE_LABEL[answer.source]} (${answer.rule})` : SOURCE_LABEL[answer.source];
}

/** What the answer was, in a few words: the value, the picks, or the answer's fields. */
export function answerText(response: unknown): string {
  if (response === null || typeof response !== "object" || Array.isArray(response)) return shortText(response);
  const r = response as Record<string, unknown>;
  if (r.cancelled === true) return "cancelled";
  const parts: string[] = [];
  if (Array.isArray(r.selected_indices) && r.selected_indices.length > 0) parts.push(`picked ${shortText(r.selected_indices, 40)}`);
  if (Array.isArray(r.selected_options) && r.selected_options.length > 0) parts.push(`options ${shortText(r.selected_options, 40)}`);
  if ("value" in r && r.value !== null && r.value !== undefined) parts.push(shortText(r.value, 60));
  if (r.form_data !== undefined && r.form_data !== null) parts.push(`form ${shortText(r.form_data, 50)}`);
  if (typeof r.custom_value === "string" && r.custom_value !== "") parts.push(`“${shortText(r.custom_value, 40)}”`);
  return parts.length > 0 ? parts.join(", ") : shortText(response, 60);
}

/** Milliseconds as the trace shows them: "0.4 ms", "12 ms", "1.25 s". */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** "4 modules · 2 interactions answered · 31 ms". */
export function traceSummary(trace: readonly TraceEntryView[]): string {
  const answered = trace.filter((entry) => entry.answer).length;
  const total = trace.reduce((sum, entry) => sum + entry.durationMs, 0);
  const modules = `${trace.length} module${trace.length === 1 ? "" : "s"}`;
  const answers = answered === 0 ? "no interaction answered" : `${answered} interaction${answered === 1 ? "" : "s"} answered`;
  return `${modules} · ${answers} · ${formatDuration(total)}`;
}

function traceRow(entry: TraceEntryView, i: number): HTMLElement {
  const answer = entry.answer;
  return h(
    "tr",
    { className: `trace-row trace-${entry.status}`, dataset: { module: `${entry.stepId}/${entry.moduleName}` } },
    h("td", { className: "muted" }, String(i + 1)),
    h("td", {}, h("span", { className: "muted" }, `${entry.stepId} / `), h("strong", {}, entry.moduleName), h("div", { className: "muted trace-module-id" }, entry.moduleId)),
    h("td", {}, h("span", { className: `status status-${entry.status}` }, STATUS_LABEL[entry.status])),
    h("td", { className: "trace-duration" }, formatDuration(entry.durationMs)),
    h(
      "td",
      {},
      answer
        ? h(
            "div",
            { className: `trace-answer answer-${answer.source}` },
            h("span", { className: "trace-source" }, answerSource(answer)),
            h("span", { className: "muted trace-interaction" }, answer.interactionType),
            h("div", { className: "trace-response", title: shortText(answer.response, 2000) }, answerText(answer.response)),
          )
        : entry.status === "awaiting_input"
          ? h("span", { className: "muted" }, "waiting for your answer")
          : null,
    ),
  );
}

export function traceTab(trace: readonly TraceEntryView[]): HTMLElement {
  return h(
    "div",
    { className: "story-trace" },
    h("p", { className: "muted" }, traceSummary(trace)),
    trace.length === 0
      ? h("p", { className: "muted" }, "No module ran in this call.")
      : h(
          "table",
          { className: "story-table trace-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Module"), h("th", {}, "Status"), h("th", {}, "Duration"), h("th", {}, "Interaction answered by"))),
          h("tbody", {}, trace.map(traceRow)),
        ),
  );
}
