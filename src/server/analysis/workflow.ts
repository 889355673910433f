/**
 * Analysis of one workflow (or a step file on its own) across its `$ref`s, on jsonc-parser trees so
 * every finding has an offset in the file that holds it. Each job has its file; this one runs them in
 * order over one set of files and one list of findings:
 *
 * - `refs.ts`: the files read and the `$ref`s between them (a bad ref is a finding, not a stop);
 * - `workflow-schema.ts`: the zod model's issues at their nodes;
 * - `workflow-model.ts`: steps and modules in workflow order;
 * - `module-checks.ts`, `targets.ts`: modules against the catalog, duplicate names, step/module targets;
 * - `state-flow.ts`: state-key producers, and the checks of each `state.<key>` a template reads;
 * - `template-sites.ts`: which strings are templates, and their Jinja2 syntax;
 * - `input-traps.ts`: templates the engine leaves raw, empty forms, validation patterns that do not compile.
 */
import { dirname } from "node:path";
import { DiagnosticList, type FileDiagnostic } from "./diagnostics";
import { checkInputTraps, checkRawTemplates } from "./input-traps";
import { checkDuplicateNames, checkModule } from "./module-checks";
import type { ModuleCatalog } from "./module-catalog";
import { ParseCache, RefResolver, type AnalysisHost, type Loc, type RefInfo } from "./refs";
import { checkStateRef, collectStateFlow, engineKeys, type Producer, type StateUse } from "./state-flow";
import { checkTemplateSyntax, collectTemplateSites, type TemplateSite } from "./template-sites";
import { collectTargets, type TargetRef } from "./targets";
import { buildModel, type ModuleInfo, type StepInfo } from "./workflow-model";
import { checkSchema } from "./workflow-schema";

export { Severity, type FileDiagnostic, type FileRange } from "./diagnostics";
export { ParseCache, type AnalysisHost, type Deref, type Loc, type RefInfo } from "./refs";
export { availableKeys, visibleProducers, type Producer, type ProducerVia, type StateUse } from "./state-flow";
export type { TemplateSite } from "./template-sites";
export type { TargetRef } from "./targets";
export { looksLikeStep, looksLikeWorkflow, type ModuleInfo, type OutputMapping, type StepInfo } from "./workflow-model";

export interface WorkflowAnalysis {
  entry: string;
  root: string;
  /** A step file analysed on its own (no workflow includes it). */
  standaloneStep: boolean;
  /** Every file read, entry first. */
  files: string[];
  texts: Map<string, string>;
  diagnostics: FileDiagnostic[];
  steps: StepInfo[];
  modules: ModuleInfo[];
  producers: Map<string, Producer[]>;
  /** Keys the engine injects itself (`_retry_feedback`, sub-action feedback keys). */
  implicitKeys: Set<string>;
  refs: RefInfo[];
  sites: TemplateSite[];
  /** Step ids and module names referenced by retry/jump options and sub-action refs. */
  targets: TargetRef[];
  /** Every `state.<key>` in a template the engine renders. */
  uses: StateUse[];
}

export function analyzeWorkflow(
  entry: string,
  host: AnalysisHost,
  catalog: ModuleCatalog,
  cache: ParseCache = new ParseCache(),
  options: { standaloneStep?: boolean } = {},
): WorkflowAnalysis {
  const standaloneStep = options.standaloneStep ?? false;
  const root = dirname(entry);
  const diagnostics = new DiagnosticList();
  const files = new RefResolver(root, host, cache, diagnostics);
  const analysis: WorkflowAnalysis = {
    entry,
    root,
    standaloneStep,
    files: [],
    texts: files.texts,
    diagnostics: diagnostics.items,
    steps: [],
    modules: [],
    producers: new Map(),
    implicitKeys: engineKeys(),
    refs: files.refs,
    sites: [],
    targets: [],
    uses: [],
  };
  const parsed = files.parse(entry);
  if (parsed?.root) {
    if (parsed.errors.length > 0) files.reportParseError(entry, parsed, "The engine refuses this file");
    const rootLoc: Loc = { file: entry, node: parsed.root, chain: [] };
    checkSchema(files, diagnostics, rootLoc, standaloneStep);
    const { steps, modules } = buildModel(files, catalog, rootLoc, standaloneStep);
    analysis.steps = steps;
    analysis.modules = modules;
    checkDuplicateNames(diagnostics, steps, modules);
    analysis.targets = collectTargets(files, diagnostics, steps, modules);
    for (const module of modules) {
      checkModule(diagnostics, catalog, module);
      checkInputTraps(diagnostics, files, module);
    }
    const flow = collectStateFlow(files, modules);
    analysis.producers = flow.producers;
    analysis.implicitKeys = flow.implicitKeys;
    analysis.sites = collectTemplateSites(files, rootLoc, modules, standaloneStep);
    for (const site of analysis.sites) {
      const info = checkTemplateSyntax(diagnostics, site);
      if (!info || !site.resolved) continue;
      for (const ref of info.stateRefs) {
        analysis.uses.push({ key: ref.key, site, ref });
        checkStateRef(diagnostics, flow, site, ref);
      }
    }
    checkRawTemplates(diagnostics, files, analysis.sites);
  }
  analysis.files = [...files.texts.keys()];
  return analysis;
}
