/**
 * Which strings of a workflow are templates, and their Jinja2 syntax. Only strings the engine renders
 * count for state checks (`resolve_with_schema`'s walk, engine.md §5.2: inputs listed
 * `"resolver": "server"`, recursively, `client` excluding; and `status_display` field values); every
 * other string with `{{`/`{%` is a site too, checked for syntax only, as a warning (a client may
 * render it with Nunjucks).
 */
import { DiagnosticCodes } from "../../shared/lsp";
import { Severity, type DiagnosticList } from "./diagnostics";
import { hasTemplateMarker, mapStringLiteral, properties, propertyKey, propertyValue, stringValue, type Node, type StringMap } from "./json-tree";
import type { Loc, RefResolver } from "./refs";
import { analyzeTemplate, isTemplate, type TemplateInfo } from "./templates";
import type { ModuleInfo } from "./workflow-model";

/** A string the engine (or the client) may render as a template, and where it sits. */
export interface TemplateSite {
  file: string;
  /** The template source: a decoded JSON string, or a referenced text file's content. */
  source: string;
  /** File offsets the site covers (a JSON string literal incl. quotes, or the whole text file). */
  start: number;
  end: number;
  /** Rendered by the engine (server-resolved input or status_display), so state references count. */
  resolved: boolean;
  /** The module whose inputs hold it; undefined for status_display fields. */
  module: ModuleInfo | undefined;
  /** Keys (and indexes) from the module's `inputs` (or an addon's) down to the string. */
  path: ReadonlyArray<string | number>;
  /** Under an addon's inputs rather than the module's own. */
  addon: boolean;
  /** Why an unresolved site stays raw: its input is listed `"resolver": "client"`, or no resolver lists it. */
  raw?: "client" | "unlisted";
  /** Template index → file offset, and back. */
  toFile(index: number): number;
  fromFile(offset: number): number;
}

/** The template sites of the modules' inputs and addon inputs, then of `status_display` (workflows only). */
export function collectTemplateSites(files: RefResolver, rootLoc: Loc, modules: readonly ModuleInfo[], standaloneStep: boolean): TemplateSite[] {
  const collector = new SiteCollector(files);
  for (const module of modules) {
    if (module.inputs) collector.objectSites(module.inputs, false, module, []);
    const moduleLoc: Loc = { file: module.file, node: module.node, chain: [] };
    collector.addon = true;
    for (const addon of files.arrayItems(moduleLoc, "addons")) {
      const inputs = files.objectAt(addon, "inputs");
      if (inputs) collector.objectSites(inputs, false, module, []);
    }
    collector.addon = false;
  }
  if (standaloneStep) return collector.sites;
  const root = files.deref(rootLoc);
  if (root.kind !== "node") return collector.sites;
  const statusDisplay = files.objectAt(root.loc, "status_display");
  if (!statusDisplay) return collector.sites;
  for (const field of files.arrayItems(statusDisplay, "fields")) {
    const value = propertyValue(field.node, "value");
    if (value) collector.fieldSites({ ...field, node: value }, true, undefined, ["value"]);
  }
  return collector.sites;
}

/**
 * Reports the site's Jinja2 syntax problems (errors where the engine renders it, warnings elsewhere)
 * and returns its analysis, or undefined when the source has no template syntax.
 */
export function checkTemplateSyntax(diagnostics: DiagnosticList, site: TemplateSite): TemplateInfo | undefined {
  if (!isTemplate(site.source)) return undefined; // a text file without template syntax
  const info = analyzeTemplate(site.source);
  for (const problem of info.problems) {
    diagnostics.report({
      file: site.file,
      start: site.toFile(problem.start),
      end: site.toFile(problem.end),
      severity: site.resolved ? Severity.Error : Severity.Warning,
      code: DiagnosticCodes.templateSyntax,
      message: site.resolved
        ? `Jinja2 syntax error: ${problem.message}`
        : `Jinja2 syntax error: ${problem.message} (this value is not resolved by the engine; a client may still render it)`,
    });
  }
  return info;
}

type Path = ReadonlyArray<string | number>;

class SiteCollector {
  readonly sites: TemplateSite[] = [];
  /** Set while the collector walks an addon's inputs. */
  addon = false;
  /** Nodes walked, by chain and walk: a file referenced n times is walked once (issue 11.3). */
  private readonly walked = new WeakMap<Node, Set<string>>();

  constructor(private readonly files: RefResolver) {}

  private firstWalk(loc: Loc, walk: string, module: ModuleInfo | undefined): boolean {
    const key = `${walk}\n${module?.index ?? ""}\n${loc.chain.join("\n")}`;
    const seen = this.walked.get(loc.node);
    if (seen?.has(key)) return false;
    if (seen) seen.add(key);
    else this.walked.set(loc.node, new Set([key]));
    return true;
  }

  /** `resolve_with_schema`'s walk (engine.md §5.2): which strings the engine renders. */
  objectSites(loc: Loc, parentResolved: boolean, module: ModuleInfo | undefined, path: Path): void {
    const resolvers = new Map<string, string>();
    const schema = this.files.objectAt(loc, "resolver_schema");
    const props = schema ? this.files.objectAt(schema, "properties") : undefined;
    for (const property of properties(props?.node)) {
      const key = propertyKey(property);
      const value = property.children?.[1];
      if (key === undefined || !value) continue;
      const d = this.files.deref({ file: props!.file, node: value, chain: props!.chain });
      const resolver = d.kind === "node" ? stringValue(propertyValue(d.loc.node, "resolver")) : undefined;
      if (resolver !== undefined) resolvers.set(key, resolver);
    }
    for (const property of properties(loc.node)) {
      const key = propertyKey(property);
      const child = property.children?.[1];
      if (key === undefined || !child || key === "resolver_schema") continue;
      const resolver = resolvers.get(key);
      const childLoc: Loc = { file: loc.file, node: child, chain: loc.chain };
      const childPath = [...path, key];
      if (resolver === "server") this.fieldSites(childLoc, true, module, childPath);
      else if (resolver === "client") this.untouchedSites(childLoc, module, childPath, "client");
      else if (parentResolved) this.fieldSites(childLoc, true, module, childPath);
      else this.untouchedSites(childLoc, module, childPath, "unlisted");
    }
  }

  fieldSites(loc: Loc, resolved: boolean, module: ModuleInfo | undefined, path: Path): void {
    if (loc.node.type !== "string" && this.plainSubtree(loc)) return;
    if (!this.firstWalk(loc, `field ${resolved}`, module)) return;
    const d = this.files.deref(loc);
    if (d.kind === "failed") return;
    if (d.kind === "text") return this.addTextSite(d.file, d.text, resolved, module, path, undefined);
    const node = d.loc.node;
    if (node.type === "string") this.addStringSite(d.loc.file, node, resolved, module, path, undefined);
    else if (node.type === "object") this.objectSites(d.loc, resolved, module, path);
    else if (node.type === "array") {
      (node.children ?? []).forEach((child, i) => this.fieldSites({ file: d.loc.file, node: child, chain: d.loc.chain }, resolved, module, [...path, i]));
    }
  }

  private untouchedSites(loc: Loc, module: ModuleInfo | undefined, path: Path, raw: "client" | "unlisted"): void {
    if (loc.node.type !== "string" && this.plainSubtree(loc)) return;
    if (!this.firstWalk(loc, "untouched", module)) return;
    const d = this.files.deref(loc);
    if (d.kind === "failed") return;
    if (d.kind === "text") return this.addTextSite(d.file, d.text, false, module, path, raw);
    const node = d.loc.node;
    if (node.type === "string") this.addStringSite(d.loc.file, node, false, module, path, raw);
    else if (node.type === "object") {
      for (const p of properties(node)) {
        const key = propertyKey(p);
        if (p.children?.[1]) this.untouchedSites({ file: d.loc.file, node: p.children[1], chain: d.loc.chain }, module, [...path, key ?? ""], raw);
      }
    } else if (node.type === "array") {
      (node.children ?? []).forEach((child, i) => this.untouchedSites({ file: d.loc.file, node: child, chain: d.loc.chain }, module, [...path, i], raw));
    }
  }

  /** True when nothing under `loc` can be a template: no `$ref` below and no `{{`/`{%` in its text. */
  private plainSubtree(loc: Loc): boolean {
    const parsed = this.files.parse(loc.file);
    if (!parsed || parsed.errors.length > 0 || parsed.refAncestors.has(loc.node)) return false;
    return !hasTemplateMarker(parsed, loc.node.offset, loc.node.offset + loc.node.length);
  }

  private addStringSite(file: string, node: Node, resolved: boolean, module: ModuleInfo | undefined, path: Path, raw: "client" | "unlisted" | undefined): void {
    const source = node.value as string;
    if (!isTemplate(source)) return; // the engine passes it through unchanged
    const text = this.files.texts.get(file) ?? "";
    let map: StringMap | undefined;
    const getMap = () => (map ??= mapStringLiteral(text, node));
    this.sites.push({
      file,
      source,
      start: node.offset,
      end: node.offset + node.length,
      resolved,
      module,
      path,
      addon: this.addon,
      ...(raw ? { raw } : {}),
      toFile: (index) => getMap().offsets[Math.max(0, Math.min(index, getMap().offsets.length - 1))]!,
      fromFile: (offset) => {
        const offsets = getMap().offsets;
        let lo = 0;
        let hi = offsets.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (offsets[mid]! < offset) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      },
    });
  }

  private addTextSite(file: string, text: string, resolved: boolean, module: ModuleInfo | undefined, path: Path, raw: "client" | "unlisted" | undefined): void {
    const site: TemplateSite = { file, source: text, start: 0, end: text.length, resolved, module, path, addon: this.addon, toFile: (i) => i, fromFile: (o) => o };
    if (raw) site.raw = raw;
    this.sites.push(site);
  }
}
