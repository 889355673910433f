/**
 * Previews over the live virtual state (tracker issue 15): what a module's templates render and what
 * each stage of its pipeline returns, computed the way the engine computes them, without changing the
 * DB. The VS Code preview panel, the "Inspect stages" view and `wfv render --workflow` /
 * `wfv query-stages` are built on this API; keep it stable.
 *
 * ## Module context
 * `moduleContext(session, workflow, {step_id, module_name}, {now?, atEventId?}) → Promise<PreviewContext>`
 * - `state`: the flat state the module would get in module mode (the DB lineage's module outputs and
 *   state-mapped keys, as `runModuleOnly` builds it), a copy; `step` (the step's definition) and
 *   `config` (the workflow's): the other template variables, exactly as engine/resolve.ts passes them.
 * - `inputs`: all the module's inputs through the engine's `resolveModuleInputs` (resolver_schema
 *   rules), or `null` with `inputsError: PreviewError` when resolution fails.
 * - `module_id`, `module_index`, `step_id`, `module_name`, `workflow_run_id` (null on a DB without a run).
 * - `atEventId`: the state right after that event of the lineage instead of the whole DB's; the
 *   choices come from `moduleBoundaries(session) → Promise<ModuleBoundary[]>` (`module_completed`
 *   events, oldest first: `{event_id, step_id, module_name, timestamp}`).
 * - `workflow` is the resolved workflow JSON (every `$ref` replaced); it is validated like a run's.
 *   A bad workflow, step or module rejects the promise with the engine's WfvError
 *   (`workflow_invalid`, `step_not_found`, `module_not_found`). A workflow object is validated once
 *   and remembered (as a session remembers it): pass a new object when the definition changes.
 *
 * ## One input
 * `renderModuleInput(session, workflow, target, inputName, options?) → Promise<RenderInputResult>`:
 * `{ok: true, value, resolved}` (`resolved: false` when resolver_schema leaves the input raw; `value`
 * is then the raw input) or `{ok: false, error: PreviewError}`. Only that input is resolved.
 * `isResolvedAt(workflow, target, path) → boolean` (synchronous): whether a run renders the string at
 * `path` below the module's inputs (`["prompt_config", "system", 0]`), nested resolver_schemas
 * included; asked of the engine's resolver itself.
 * `PreviewError` is `{message, error_type, line?, column?, details}`: for a template failure
 * `error_type: "resolution_failed"`, 1-based `line`/`column` in the input's string, and
 * `details.input_path`, `reason`, `template` as the engine reports them.
 *
 * ## A template's text, per keystroke
 * `previewTemplate(source, context, {spans?}) → TemplatePreview` (synchronous; `context` is a
 * `PreviewContext` or any `{state, step?, config?, now?}`):
 * `{text, undefinedSpans: [{start, end, name}], error?: {message, line, column, kind}}`.
 * - `text` is what the engine renders for the same string as a module input's text (a string without
 *   `{{`/`{%` is itself). A `$ref`'d prompt (`type: jinja2`/`text`) is that file's text verbatim in the
 *   resolved workflow, so an edited file previews as `previewTemplate(editedText, context)`;
 *   `{% include %}` fails as in a run (no loader). `templateUses(source, file)` says which module
 *   inputs a file is `$ref`'d into, to pick the context.
 * - `undefinedSpans`: where a `{{ }}` printed an undefined value (it prints "", so `start === end`),
 *   or a value filters or `~` made from an undefined `state.…`/`step.…`/`config.…` path (`{{ state.x
 *   | length }}` prints "0": the span covers it; `default` stops it); offsets in `text`; `name` is the
 *   undefined expression as written (`state.user.name`). Loop variables' paths are not followed.
 * - The context is copied for each render: a template that changes a value (`state.a.append(1)`)
 *   changes neither the caller's context nor the next keystroke's.
 * - `error`: the render failed (`text` is ""); the message carries the resolver's `Jinja2 …:` prefix.
 * - Cost: one compile (kept out of the engine's template cache, which a keystroke per entry would
 *   fill) and two renders (one with the interpreter's undefined-output hook); `{spans: false}` renders once.
 *
 * ## Pipeline stages
 * `queryStages(session, workflow, target, {sampleSize?, now?, atEventId?}) → Promise<QueryStagesResult>`:
 * `{module_id, source, pipeline, stages: [{stage, operator, count, sample, error?, skipped?}], error?, note?}`
 * for `transform.query` (the prefixes over its resolved `data`, as the module runs them) and `db.query`
 * (its find, shown as `$match → $sort → $limit → $project`, over the DB's collection). `count` is null
 * for a stage not run (`skipped` says why: `$out`/`$merge`, an earlier failure, the stage cap).
 *
 * Every call reads the session in turn with its runs (`session.inTurn`) and writes nothing.
 */
export {
  isResolvedAt,
  moduleBoundaries,
  moduleContext,
  previewError,
  renderModuleInput,
  type ModuleBoundary,
  type ModuleTarget,
  type PreviewContext,
  type PreviewError,
  type PreviewOptions,
  type RenderInputResult,
} from "./context";
export { expressionName, previewTemplate, type PreviewTemplateContext, type TemplatePreview, type TemplatePreviewOptions, type UndefinedSpan } from "./template";
export { MAX_PREVIEW_STAGES, MAX_SAMPLE, queryStages, type QueryStagesOptions, type QueryStagesResult, type StageResult } from "./stages";
export { templateUses, type TemplateUse } from "./uses";
export type { InputPath } from "./resolver-probe";
