/**
 * Live template preview (issue 15): the latency of one keystroke in cc's largest prompt
 * (`workflow_summary/format_summary`, the $ref'd cc_workflow_summary.txt) over a virtual DB of 10k
 * events. Every measured call renders a text no earlier call rendered (a one-character edit at a new
 * place), so the compile cache never answers; the baseline is a plain render of the same kind of
 * edit, measured in the same run. The budget is 50 ms per keystroke.
 *
 * - `previewTemplate`: what a keystroke costs once the module's context is known (the panel keeps it
 *   until the DB or the workflow changes): two renders (one with the undefined-output hook).
 * - `moduleContext + previewTemplate`: a keystroke that also rebuilds the context from the DB.
 */
import { moduleContext, previewTemplate } from "../src/core/preview";
import { renderTemplate } from "../src/core/template";
import { VirtualSession } from "../src/core/virtual";
import { baseRun, padded } from "./engine.bench";
import { ccWorkflow } from "../test/preview/cc-db";
import { medianAsyncMs, medianMs, printTable } from "./util";

const TARGET = { step_id: "workflow_summary", module_name: "format_summary" };
const EVENTS = 10_000;
const RUNS = 41;

export async function run(): Promise<void> {
  const workflow = ccWorkflow();
  const session = VirtualSession.open(padded(await baseRun(workflow), EVENTS));
  const prompt = workflow.steps.find((step: { step_id: string }) => step.step_id === TARGET.step_id).modules[0].inputs.template as string;
  const when = new Date(2026, 1, 14, 9, 5, 7);
  const options = { now: () => when };
  const context = await moduleContext(session, workflow, TARGET, options);

  // One letter typed at the start of a line of plain text, at a new place or with a new letter each
  // time: a new template each call.
  const places = [...prompt.matchAll(/\n(?=[A-Za-z])/g)].map((match) => match.index + 1);
  let edit = 0;
  const edited = () => {
    const at = places[edit % places.length]!;
    const letter = String.fromCharCode(97 + (Math.floor(edit++ / places.length) % 26));
    return `${prompt.slice(0, at)}${letter}${prompt.slice(at)}`;
  };
  // Warm both paths up first, so neither measurement pays for the JIT.
  for (let i = 0; i < 30; i++) {
    renderTemplate(edited(), { ...context, now: options.now });
    previewTemplate(edited(), context);
  }
  const plainMs = medianMs(() => renderTemplate(edited(), { ...context, now: options.now }), RUNS);
  const previewMs = medianMs(() => previewTemplate(edited(), context), RUNS);
  const withContextMs = await medianAsyncMs(async () => previewTemplate(edited(), await moduleContext(session, workflow, TARGET, options)), RUNS);
  const sample = previewTemplate(edited(), context);

  const fixed = (n: number) => Number(n.toFixed(2));
  console.log(`cc's largest prompt: ${prompt.length} characters, ${sample.text.length} rendered, ${sample.undefinedSpans.length} undefined outputs; ${EVENTS} events in the DB`);
  printTable([
    { per_keystroke: "plain render (baseline)", median_ms: fixed(plainMs), vs_baseline: "1×", of_50ms_budget: `${fixed((plainMs / 50) * 100)}%` },
    { per_keystroke: "previewTemplate", median_ms: fixed(previewMs), vs_baseline: `${fixed(previewMs / plainMs)}×`, of_50ms_budget: `${fixed((previewMs / 50) * 100)}%` },
    { per_keystroke: "moduleContext + previewTemplate", median_ms: fixed(withContextMs), vs_baseline: `${fixed(withContextMs / plainMs)}×`, of_50ms_budget: `${fixed((withContextMs / 50) * 100)}%` },
  ]);
}
