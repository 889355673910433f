/**
 * Template rendering speed on the cc workflow's prompts (the templates a real run resolves):
 * wfv against Python Jinja2 measured in the same run, printed as renders per second and ratios.
 * Python is measured two ways: as the original resolver works (compile every call via
 * from_string), and with each template compiled once (render only).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { NaiveDateTime, parseJsonKeepingFloats, resolveString, type TemplateContext } from "../src/core/template";
import { Interpreter } from "../src/core/template/interpreter";
import { validateNames } from "../src/core/template/validate-names";
import { optimizeTemplate } from "../src/core/template/optimizer";
import { parseTemplate } from "../src/core/template/parser";
import { fixturesDir as fixtures, oraclesDir as oracles } from "../test/helpers/paths";
import { printTable, pythonHas } from "./util";

interface BenchCase {
  template: string;
  stepIndex: number;
}

function loadCases(): { cases: BenchCase[]; state: Record<string, unknown>; steps: Record<string, unknown>[]; stateJson: string; stepsJson: string } {
  const rendersText = readFileSync(resolve(fixtures, "cc_prompt_renders.json"), "utf8");
  const workflowText = readFileSync(resolve(fixtures, "cc_resolved_workflow.json"), "utf8");
  const renders = parseJsonKeepingFloats(rendersText) as { state: Record<string, unknown>; renders: Array<{ step_id: string; module: string }> };
  const workflow = JSON.parse(workflowText) as { steps: Array<{ step_id: string; modules: Array<{ name?: string; inputs: unknown }> }> };
  const cases: BenchCase[] = [];
  const seen = new Set<string>();
  const collect = (value: unknown, stepIndex: number) => {
    if (typeof value === "string") {
      if ((value.includes("{{") || value.includes("{%")) && !seen.has(value)) {
        seen.add(value);
        cases.push({ template: value, stepIndex });
      }
    } else if (Array.isArray(value)) value.forEach((item) => collect(item, stepIndex));
    else if (value && typeof value === "object") Object.values(value).forEach((item) => collect(item, stepIndex));
  };
  for (const render of renders.renders) {
    const stepIndex = workflow.steps.findIndex((step) => step.step_id === render.step_id);
    const module = workflow.steps[stepIndex]?.modules.find((candidate) => candidate.name === render.module);
    if (module) collect(module.inputs, stepIndex);
  }
  const steps = workflow.steps.map((step) => step as unknown as Record<string, unknown>);
  return { cases, state: renders.state, steps, stateJson: JSON.stringify(JSON.parse(rendersText).state), stepsJson: JSON.stringify(workflow.steps) };
}

const pythonBench = String.raw`
import json, sys, time, datetime
sys.path.insert(0, sys.argv[1])
import jinja_oracle as o
data = json.load(sys.stdin)
state = data["state"]; steps = data["steps"]; cases = data["cases"]; seconds = data["seconds"]
now = datetime.datetime(2026, 2, 14, 9, 5, 7)
ctxs = [dict(state=state, module=state, step=steps[c["stepIndex"]], config={}, now=lambda: now) for c in cases]
def run_compile_each():
    for c, ctx in zip(cases, ctxs):
        o.resolve_string(c["template"], ctx)
compiled = [o.ENV.from_string(c["template"]) for c in cases]
def run_precompiled():
    for t, ctx in zip(compiled, ctxs):
        t.render(**ctx)
out = {}
for name, fn in (("compile_each", run_compile_each), ("precompiled", run_precompiled)):
    fn()
    n = 0; start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(); n += 1
    out[name] = n * len(cases) / (time.perf_counter() - start)
print(json.dumps(out))
`;

function rendersPerSecond(casesCount: number, pass: () => void, seconds: number): number {
  pass();
  let passes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    pass();
    passes++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return (passes * casesCount) / elapsed;
}

export function run(): void {
  const { cases, state, steps, stateJson, stepsJson } = loadCases();
  const frozen = NaiveDateTime.parseIso("2026-02-14T09:05:07");
  const contexts: TemplateContext[] = cases.map((c) => ({ state, step: steps[c.stepIndex], config: {}, now: () => frozen }));
  const seconds = 1.5;

  const cached = rendersPerSecond(cases.length, () => {
    cases.forEach((c, i) => resolveString(c.template, contexts[i]));
  }, seconds);
  const uncached = rendersPerSecond(cases.length, () => {
    cases.forEach((c, i) => {
      const ast = parseTemplate(c.template);
      validateNames(ast);
      new Interpreter(contexts[i]).render(optimizeTemplate(ast));
    });
  }, seconds);

  const rows: Array<Record<string, string | number>> = [
    { renderer: "wfv resolveString (AST cached by text)", templates: cases.length, "renders/s": Math.round(cached) },
    { renderer: "wfv parse + optimize + render every call", templates: cases.length, "renders/s": Math.round(uncached) },
  ];
  if (pythonHas("jinja2")) {
    const input = `{"state": ${stateJson}, "steps": ${stepsJson}, "cases": ${JSON.stringify(cases)}, "seconds": ${seconds}}`;
    const result = spawnSync("/usr/bin/python3", ["-c", pythonBench, oracles], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status === 0) {
      const python = JSON.parse(result.stdout) as { compile_each: number; precompiled: number };
      rows.push(
        { renderer: "Python Jinja2, as the original resolver (from_string per call)", templates: cases.length, "renders/s": Math.round(python.compile_each) },
        { renderer: "Python Jinja2, compiled once (render only)", templates: cases.length, "renders/s": Math.round(python.precompiled) },
      );
      printTable(rows);
      console.log(
        `wfv (cached) vs original resolver: ${(cached / python.compile_each).toFixed(1)}x; ` +
          `vs Jinja2 render-only: ${(cached / python.precompiled).toFixed(2)}x; ` +
          `wfv uncached vs original resolver: ${(uncached / python.compile_each).toFixed(1)}x`,
      );
      return;
    }
    console.log(`python bench failed: ${result.stderr}`);
  }
  printTable(rows);
}
