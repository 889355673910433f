/** Completion, hover, go to definition and quick fixes, on top of the cursor and the analysis. */
import { dirname, relative, sep } from "node:path";
import {
  CodeActionKind,
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type Location,
} from "vscode-languageserver";
import { modify } from "jsonc-parser";
import { inputMarkdown, moduleDetail, moduleMarkdown } from "../analysis/module-catalog";
import { analyzeTemplate, filterNames, stateRefAt, templateCompletionAt } from "../analysis/templates";
import type { FixData } from "../../shared/lsp";
import { availableKeys, visibleProducers, type ModuleInfo, type Producer, type WorkflowAnalysis } from "../analysis/workflow";
import { uriToPath, type Session } from "../session";
import { listFiles } from "../workspace";
import { cursorAt, fileContext, type Cursor, type FileContext, type TemplateCursor } from "./cursor";
import { MISSING, valueAt } from "./live-values";
import { rangeOf } from "./positions";

// ---- completion -------------------------------------------------------------------------------

export function completions(session: Session, path: string, offset: number): CompletionItem[] {
  const context = fileContext(session, path);
  if (!context) return [];
  const cursor = cursorAt(session, context, offset);
  if (!cursor) return [];
  switch (cursor.kind) {
    case "moduleId":
      return moduleIdCompletions(session, context, cursor);
    case "inputKey":
      return inputCompletions(session, context, cursor);
    case "ref":
      return refCompletions(context, cursor);
    case "template":
      return templateCompletions(session, context, cursor);
    case "target":
      return targetCompletions(context, cursor);
    default:
      return [];
  }
}

function targetCompletions(context: FileContext, cursor: Extract<Cursor, { kind: "target" }>): CompletionItem[] {
  const analysis = context.analysis;
  if (!analysis) return [];
  const range = rangeOf(context.path, context.text, cursor.start, cursor.end);
  if (cursor.field === "step") {
    return analysis.steps
      .filter((step) => step.stepId !== undefined)
      .map((step) => ({ label: step.stepId!, kind: CompletionItemKind.Folder, detail: `step ${step.index + 1}`, textEdit: { range, newText: step.stepId! } }));
  }
  const step = cursor.stepId === undefined ? undefined : analysis.steps.find((candidate) => candidate.stepId === cursor.stepId);
  return (step ? step.modules : analysis.modules)
    .filter((module) => module.name !== undefined)
    .map((module) => ({
      label: module.name!,
      kind: CompletionItemKind.Module,
      detail: `${module.moduleId ?? "?"} (step ${module.step.stepId ?? "?"})`,
      textEdit: { range, newText: module.name! },
    }));
}

function moduleIdCompletions(session: Session, context: FileContext, cursor: Extract<Cursor, { kind: "moduleId" }>): CompletionItem[] {
  const range = rangeOf(context.path, context.text, cursor.start, cursor.end);
  return session.catalog.ids().map((id) => {
    const summary = session.catalog.get(id)!;
    return {
      label: id,
      kind: CompletionItemKind.Module,
      detail: moduleDetail(summary),
      documentation: { kind: MarkupKind.Markdown, value: moduleMarkdown(summary) },
      textEdit: { range, newText: cursor.quote ? JSON.stringify(id) : id },
    };
  });
}

function inputCompletions(session: Session, context: FileContext, cursor: Extract<Cursor, { kind: "inputKey" }>): CompletionItem[] {
  const summary = cursor.moduleId === undefined ? undefined : session.catalog.get(cursor.moduleId);
  if (!summary) return [];
  const range = rangeOf(context.path, context.text, cursor.start, cursor.end);
  const items: CompletionItem[] = [];
  const names = [...summary.inputs.map((input) => input.name), "resolver_schema"];
  for (const name of names) {
    if (cursor.present.has(name)) continue;
    const input = summary.inputs.find((candidate) => candidate.name === name);
    const detail = input
      ? `${input.type ?? "any"}${input.required ? " (required)" : ""}${input.default !== undefined ? ` = ${JSON.stringify(input.default)}` : ""}`
      : "which inputs the engine renders as templates";
    const snippet = cursor.hasValue ? JSON.stringify(name) : `${JSON.stringify(name)}: ${valueSnippet(input?.type ?? "object")}`;
    items.push({
      label: name,
      kind: CompletionItemKind.Property,
      detail,
      documentation: input ? { kind: MarkupKind.Markdown, value: inputMarkdown(summary, name)! } : undefined,
      sortText: `${input?.required ? "0" : input ? "1" : "2"}${name}`,
      filterText: JSON.stringify(name),
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range, newText: snippet },
    });
  }
  return items;
}

function valueSnippet(type: string | null): string {
  switch (type) {
    case "string":
      return '"$1"';
    case "boolean":
      return "${1:false}";
    case "number":
    case "integer":
      return "${1:0}";
    case "array":
      return "[$1]";
    case "object":
      return "{$1}";
    default:
      return "$1";
  }
}

function refCompletions(context: FileContext, cursor: Extract<Cursor, { kind: "ref" }>): CompletionItem[] {
  const root = context.analysis?.root ?? dirname(context.path);
  const base = dirname(context.path);
  const wantJson = cursor.refType === "json";
  const files = listFiles(root, (name) => (wantJson ? name.endsWith(".json") : true), 2000).filter((file) => file !== context.path);
  const range = rangeOf(context.path, context.text, cursor.start, cursor.end);
  return files.map((file) => {
    const ref = relative(base, file).split(sep).join("/");
    return {
      label: ref,
      kind: CompletionItemKind.File,
      detail: relative(root, file).split(sep).join("/"),
      sortText: `${ref.startsWith("..") ? "1" : "0"}${ref}`,
      textEdit: { range, newText: ref },
    };
  });
}

function templateCompletions(session: Session, context: FileContext, cursor: TemplateCursor): CompletionItem[] {
  const what = templateCompletionAt(cursor.source, cursor.index);
  if (!what) return [];
  const range = rangeOf(context.path, context.text, cursor.toFile(what.start), cursor.toFile(cursor.index));
  if (what.kind === "filter") {
    return filterNames().map((name) => ({ label: name, kind: CompletionItemKind.Function, detail: "Jinja2 filter", textEdit: { range, newText: name } }));
  }
  const analysis = context.analysis;
  if (!analysis) return [];
  const live = session.virtualStateFor(context.path, analysis);
  if (what.path.length === 0) {
    return availableKeys(analysis, cursor.module).map(({ key, producer }, index) => {
      const value = live ? valueAt(live.state, [key]) : undefined;
      return {
        label: key,
        kind: CompletionItemKind.Variable,
        detail: producerText(producer),
        documentation: { kind: MarkupKind.Markdown, value: stateMarkdown([key], [producer], live, value) },
        sortText: String(index).padStart(5, "0"),
        textEdit: { range, newText: key },
      };
    });
  }
  // `state.<module_name>.`: the module's declared outputs, and the keys of the live value
  const fields = new Map<string, string>();
  const producers = visibleProducers(analysis, what.path[0]!, cursor.module);
  const byName = producers.filter((p) => p.via === "module_name").pop();
  if (what.path.length === 1 && byName?.module.summary) {
    for (const output of byName.module.summary.outputs) fields.set(output.name, `${output.type} — output of ${byName.module.summary.module_id}`);
  }
  const value = live ? valueAt(live.state, what.path) : undefined;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const key of Object.keys(value)) if (!fields.has(key)) fields.set(key, "in the live virtual state");
  }
  return [...fields].map(([name, detail]) => ({ label: name, kind: CompletionItemKind.Field, detail, textEdit: { range, newText: name } }));
}

// ---- hover ----------------------------------------------------------------------------------

export function hover(session: Session, path: string, offset: number): Hover | null {
  const context = fileContext(session, path);
  if (!context) return null;
  const cursor = cursorAt(session, context, offset);
  if (!cursor) return null;
  const markdown = (value: string, start: number, end: number): Hover => ({
    contents: { kind: MarkupKind.Markdown, value },
    range: rangeOf(context.path, context.text, start, end),
  });
  switch (cursor.kind) {
    case "moduleId": {
      const summary = session.catalog.get(cursor.value);
      const text = summary ? moduleMarkdown(summary) : `Unknown module \`${cursor.value}\``;
      return markdown(text, cursor.start, cursor.end);
    }
    case "inputKey": {
      const summary = cursor.moduleId === undefined ? undefined : session.catalog.get(cursor.moduleId);
      const text = summary && cursor.key !== undefined ? inputMarkdown(summary, cursor.key) : undefined;
      return text ? markdown(text, cursor.start, cursor.end) : null;
    }
    case "outputKey": {
      const summary = cursor.moduleId === undefined ? undefined : session.catalog.get(cursor.moduleId);
      const output = summary?.outputs.find((candidate) => candidate.name === cursor.key.split(".")[0]);
      if (!summary || !output) return null;
      return markdown(`**${output.name}** (${output.type}) — output of \`${summary.module_id}\`${output.description ? `\n\n${output.description}` : ""}`, cursor.start, cursor.end);
    }
    case "ref": {
      const target = refTarget(context, cursor.value);
      if (!target) return null;
      const shown = relative(context.analysis?.root ?? dirname(path), target).split(sep).join("/");
      const content = session.source.read(target);
      const lines = [`\`${cursor.refType}\` reference to \`${shown}\``];
      if (content === undefined) lines.push("", "_File not found._");
      else {
        const preview = content.split(/\r?\n/).slice(0, REF_PREVIEW_LINES);
        const more = content.split(/\r?\n/).length - preview.length;
        lines.push("", "```" + (cursor.refType === "json" ? "json" : "jinja"), ...preview.map((line) => line.slice(0, 160)), "```");
        if (more > 0) lines.push(`… ${more} more line(s)`);
      }
      return markdown(lines.join("\n"), cursor.start, cursor.end);
    }
    case "template": {
      const hit = stateRefAt(analyzeTemplate(cursor.source), cursor.index);
      if (!hit || !context.analysis) return null;
      const path = hit.ref.path.slice(0, hit.depth + 1);
      const producers = visibleProducers(context.analysis, hit.ref.key, cursor.module);
      const live = session.virtualStateFor(context.path, context.analysis);
      const value = live ? valueAt(live.state, path) : undefined;
      const first = hit.ref.start;
      const last = hit.ref.spans[hit.depth]!.end;
      return markdown(stateMarkdown(path, producers, live, value, laterProducers(context.analysis, hit.ref.key, cursor.module)), cursor.toFile(first), cursor.toFile(last));
    }
    case "stateKey": {
      if (!context.analysis) return null;
      const uses = context.analysis.uses.filter((use) => use.key === cursor.key).length;
      const live = session.virtualStateFor(context.path, context.analysis);
      const value = live ? valueAt(live.state, [cursor.key]) : undefined;
      const lines = [`State key \`${cursor.key}\` — read by ${uses} template reference(s)`];
      if (live && value !== MISSING) lines.push("", `Current value${live.label ? ` (${live.label})` : ""}:`, "```json", previewValue(value), "```");
      return markdown(lines.join("\n"), cursor.start, cursor.end);
    }
    case "target": {
      const ref = context.analysis?.targets.find((t) => t.file === context.path && t.node.offset === cursor.nodeOffset);
      const target = ref?.target;
      if (!target) return null;
      const text =
        "modules" in target
          ? `Step \`${target.stepId}\` — step ${target.index + 1}, ${target.modules.length} module(s)`
          : `Module \`${target.name}\` — \`${target.moduleId ?? "?"}\` in step \`${target.step.stepId ?? "?"}\``;
      return markdown(text, cursor.start, cursor.end);
    }
  }
}

function laterProducers(analysis: WorkflowAnalysis, key: string, user: ModuleInfo | undefined): Producer[] {
  if (!user) return [];
  return (analysis.producers.get(key) ?? []).filter((p) => p.module.index >= user.index);
}

const REF_PREVIEW_LINES = 12;

const PREVIEW_CHARS = 1500;
const PREVIEW_LINES = 40;

/** Pretty JSON cut to a readable size, saying how much was left out. */
export function previewValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v), 2) ?? String(value);
  } catch {
    text = String(value);
  }
  const lines = text.split("\n");
  let cut = lines.length > PREVIEW_LINES ? lines.slice(0, PREVIEW_LINES).join("\n") : text;
  if (cut.length > PREVIEW_CHARS) cut = cut.slice(0, PREVIEW_CHARS);
  if (cut.length < text.length) cut += `\n… (${text.length - cut.length} more characters)`;
  return cut;
}

function producerText(producer: Producer): string {
  const module = producer.module.name ?? producer.module.moduleId ?? "?";
  const step = producer.module.step.stepId ?? "?";
  if (producer.via === "module_name") return `raw outputs of module '${module}' (step ${step})`;
  if (producer.via === "result_mapping") return `sub-action result of '${module}' (step ${step})`;
  return `outputs_to_state of '${module}' (step ${step})`;
}

function stateMarkdown(
  path: readonly string[],
  producers: readonly Producer[],
  live: { label?: string } | undefined,
  value: unknown,
  later: readonly Producer[] = [],
): string {
  const lines = [`\`state.${path.join(".")}\``];
  const producer = producers[producers.length - 1];
  if (producer) {
    lines.push("", `Produced by ${producerText(producer)}`);
    const summary = producer.module.summary;
    if (producer.via === "module_name" && path.length === 1 && summary && summary.outputs.length > 0) {
      lines.push("", `Outputs of \`${summary.module_id}\`: ${summary.outputs.map((output) => `\`${output.name}\``).join(", ")}`);
    }
  }
  else if (later.length > 0) lines.push("", `Not produced yet here: ${producerText(later[0]!)} runs later`);
  else lines.push("", "No module produces this key before here");
  if (!live) lines.push("", "_No virtual state yet: run the workflow virtually to see its value._");
  else if (value === MISSING) lines.push("", `_Not in the virtual state${live.label ? ` (${live.label})` : ""}._`);
  else lines.push("", `Current value${live.label ? ` (${live.label})` : ""}:`, "```json", previewValue(value), "```");
  return lines.join("\n");
}

// ---- definition -----------------------------------------------------------------------------

export function definition(session: Session, path: string, offset: number): Location[] {
  const context = fileContext(session, path);
  if (!context) return [];
  const cursor = cursorAt(session, context, offset);
  if (!cursor) return [];
  if (cursor.kind === "ref") {
    const target = refTarget(context, cursor.value);
    if (!target || session.source.read(target) === undefined) return [];
    return [{ uri: session.uriOf(target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
  }
  if (cursor.kind === "target" && context.analysis) {
    const ref = context.analysis.targets.find((t) => t.file === context.path && t.node.offset === cursor.nodeOffset);
    const target = ref?.target;
    if (!target) return [];
    const node = "modules" in target ? (target.idNode ?? target.node) : (target.nameNode ?? target.moduleIdNode ?? target.node);
    const text = context.analysis.texts.get(target.file) ?? session.source.read(target.file) ?? "";
    return [{ uri: session.uriOf(target.file), range: rangeOf(target.file, text, node.offset, node.offset + node.length) }];
  }
  if (cursor.kind === "template" && context.analysis) {
    const hit = stateRefAt(analyzeTemplate(cursor.source), cursor.index);
    if (!hit) return [];
    const visible = visibleProducers(context.analysis, hit.ref.key, cursor.module);
    const producer = visible[visible.length - 1] ?? laterProducers(context.analysis, hit.ref.key, cursor.module)[0];
    if (!producer) return [];
    const text = context.analysis.texts.get(producer.file) ?? session.source.read(producer.file) ?? "";
    return [{ uri: session.uriOf(producer.file), range: rangeOf(producer.file, text, producer.start, producer.end) }];
  }
  return [];
}

/** The absolute file a `$ref` string points to, by the engine's path rules (undefined if refused). */
function refTarget(context: FileContext, ref: string): string | undefined {
  const hit = context.analysis?.refs.find((info) => info.file === context.path && info.ref === ref && info.target);
  if (hit) return hit.target;
  const root = context.analysis?.root ?? dirname(context.path);
  const base = relative(root, dirname(context.path)).split(sep).join("/");
  const joined = ref.startsWith("/") ? ref.slice(1) : base ? `${base}/${ref}` : ref;
  const parts: string[] = [];
  for (const part of joined.replace(/\\/g, "/").split("/")) {
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else if (part && part !== ".") parts.push(part);
  }
  return [root, ...parts].join(sep);
}

// ---- references -----------------------------------------------------------------------------

/** Where a state key is produced and every rendered template that reads it. */
export function references(session: Session, path: string, offset: number, includeDeclaration: boolean): Location[] {
  const context = fileContext(session, path);
  const analysis = context?.analysis;
  if (!context || !analysis) return [];
  const cursor = cursorAt(session, context, offset);
  let key: string | undefined;
  if (cursor?.kind === "stateKey") key = cursor.key;
  else if (cursor?.kind === "template") key = stateRefAt(analyzeTemplate(cursor.source), cursor.index)?.ref.key;
  if (key === undefined) return [];
  const locations: Location[] = [];
  const at = (file: string, start: number, end: number): Location => {
    const text = analysis.texts.get(file) ?? session.source.read(file) ?? "";
    return { uri: session.uriOf(file), range: rangeOf(file, text, start, end) };
  };
  if (includeDeclaration) for (const producer of analysis.producers.get(key) ?? []) locations.push(at(producer.file, producer.start, producer.end));
  for (const use of analysis.uses) {
    if (use.key !== key) continue;
    const span = use.ref.spans[0]!;
    locations.push(at(use.site.file, use.site.toFile(span.start), use.site.toFile(span.end)));
  }
  return locations;
}

// ---- quick fixes ----------------------------------------------------------------------------

export function codeActions(session: Session, uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== "wfv") continue;
    const data = diagnostic.data as FixData | undefined;
    for (const [index, fix] of (data?.fixes ?? []).entries()) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0,
        edit: { changes: { [uri]: [{ range: diagnostic.range, newText: fix.newText }] } },
      });
    }
    if (data?.insert) {
      const path = uriToPath(uri);
      const text = path ? session.source.read(path) : undefined;
      if (!path || text === undefined) continue;
      const edits = modify(text, data.insert.path, data.insert.value, { formattingOptions: { insertSpaces: true, tabSize: indentOf(text) } });
      actions.push({
        title: data.insert.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: edits.map((e) => ({ range: rangeOf(path, text, e.offset, e.offset + e.length), newText: e.content })) } },
      });
    }
  }
  return actions;
}

/** The indentation width the file uses (2 when it cannot tell). */
function indentOf(text: string): number {
  const match = /\n( +)\S/.exec(text);
  return match ? Math.min(match[1]!.length, 8) : 2;
}
