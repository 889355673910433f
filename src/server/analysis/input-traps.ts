/**
 * Silent traps in module inputs (issue 12.10): settings the engine accepts without a word but that
 * do not do what their author meant.
 *
 * - A `{{ … }}` / `{% … %}` template in an input no `resolver_schema` entry lists: `resolve_with_schema`
 *   (engine.md §5.2) passes it through untouched, so the module (and the user) sees the raw text.
 *   Inputs listed `"resolver": "client"`, display schemas' `display_format` / `source_data` (rendered by
 *   the client, §5.1) and inputs a module renders itself (reshape, render_template_array, pause's
 *   `jinja2_test`) are meant to stay raw and are not reported.
 * - A `user.form` whose `schema` has no `input_schema` (or one without properties): an empty form.
 * - A `user.text_input` `validation_pattern` that Python's `re` refuses: the engine then skips the check.
 */
import { getNodePath } from "jsonc-parser";
import { compilePythonPattern, PythonRegexError } from "../../core/python/regex";
import { DiagnosticCodes, type FixData } from "../../shared/lsp";
import { nodeRange, Severity, type DiagnosticList } from "./diagnostics";
import { findProperty, isObjectNode, isStringNode, mapStringLiteral, properties, propertyValue, type Node } from "./json-tree";
import type { Loc, RefResolver } from "./refs";
import type { TemplateSite } from "./template-sites";
import { isTemplate } from "./templates";
import type { ModuleInfo } from "./workflow-model";

/** Inputs a module renders with its own Jinja environment (engine.md §5.1 item 4). */
const SELF_RENDERED: Readonly<Record<string, readonly string[]>> = {
  "transform.reshape": ["template"],
  "transform.render_template_array": ["template"],
  "user.pause": ["jinja2_test"],
};

/** Display-schema keys the client renders with Nunjucks (engine.md §5.1 item 3). */
const CLIENT_RENDERED_KEYS = new Set(["display_format", "source_data"]);

function clientRendered(path: ReadonlyArray<string | number>): boolean {
  return path.some((key) => typeof key === "string" && CLIENT_RENDERED_KEYS.has(key.startsWith("_ux.") ? key.slice(4) : key));
}

/** The first `{{ … }}` / `{% … %}` tag of a template: where a raw-template warning points. */
function firstTag(source: string): { start: number; end: number; text: string } {
  const start = source.search(/\{\{|\{%/);
  const at = Math.max(0, start);
  const close = source.indexOf(source[at + 1] === "%" ? "%}" : "}}", at + 2);
  const lineEnd = source.indexOf("\n", at);
  let end = close < 0 ? source.length : close + 2;
  if (lineEnd >= 0 && lineEnd < end && close < 0) end = lineEnd;
  return { start: at, end, text: source.slice(at, end) };
}

const shorten = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Reports each module-input template the engine leaves raw. */
export function checkRawTemplates(diagnostics: DiagnosticList, files: RefResolver, sites: readonly TemplateSite[]): void {
  for (const site of sites) {
    if (site.resolved || site.raw !== "unlisted" || !site.module || site.addon) continue;
    const input = site.path[0];
    if (typeof input !== "string" || !isTemplate(site.source)) continue;
    if (SELF_RENDERED[site.module.moduleId ?? ""]?.includes(input) || clientRendered(site.path)) continue;
    const tag = firstTag(site.source);
    const inputs = site.module.inputs;
    const schema = inputs ? files.objectAt(inputs, "resolver_schema") : undefined;
    const because = schema
      ? `its resolver_schema does not list "${input}"`
      : "the module's inputs have no resolver_schema, so the engine resolves none of them";
    diagnostics.report({
      file: site.file,
      start: site.toFile(tag.start),
      end: site.toFile(tag.end),
      severity: Severity.Warning,
      code: DiagnosticCodes.templateShownRaw,
      message: `shown raw: ${shorten(tag.text)} in input "${site.path.join(".")}" is never rendered (${because}); the module receives the template text. Add "${input}": {"resolver": "server"} to resolver_schema.properties to resolve it.`,
      data: resolverFix(site, input, schema),
    });
  }
}

/** The quick fix listing `input` as server-resolved, when the diagnostic's file holds the inputs. */
function resolverFix(site: TemplateSite, input: string, schema: Loc | undefined): FixData | undefined {
  const inputs = site.module?.inputs;
  if (!inputs || inputs.file !== site.file || (schema && schema.file !== site.file)) return undefined;
  const title = `Resolve "${input}" on the server (resolver_schema)`;
  const base = getNodePath(inputs.node);
  if (!schema) {
    return { insert: { path: [...base, "resolver_schema"], value: { type: "object", properties: { [input]: { resolver: "server" } } }, title } };
  }
  const schemaPath = getNodePath(schema.node);
  const props = propertyValue(schema.node, "properties");
  if (props && !isObjectNode(props)) return undefined;
  return props
    ? { insert: { path: [...schemaPath, "properties", input], value: { resolver: "server" }, title } }
    : { insert: { path: [...schemaPath, "properties"], value: { [input]: { resolver: "server" } }, title } };
}

/** The module-specific traps: an empty `user.form`, an invalid `validation_pattern`. */
export function checkInputTraps(diagnostics: DiagnosticList, files: RefResolver, module: ModuleInfo): void {
  if (!module.inputs) return;
  if (module.moduleId === "user.form") checkFormSchema(diagnostics, files, module.inputs);
  else if (module.moduleId === "user.text_input") checkValidationPattern(diagnostics, files, module.inputs);
}

function checkFormSchema(diagnostics: DiagnosticList, files: RefResolver, inputs: Loc): void {
  const schemaProperty = findProperty(inputs.node, "schema");
  if (!schemaProperty) return; // a missing required input is reported by module-checks
  const schemaValue = schemaProperty.children?.[1];
  if (!schemaValue || (isStringNode(schemaValue) && isTemplate(schemaValue.value))) return; // known at run time only
  const schema = files.objectAt(inputs, "schema");
  const report = (at: Loc | { file: string; node: Node }, message: string) =>
    diagnostics.report({ ...nodeRange(at.file, at.node), severity: Severity.Warning, code: DiagnosticCodes.emptyForm, message });
  if (!schema) return; // not an object: the schema check reports the type
  const inputSchemaProperty = findProperty(schema.node, "input_schema");
  if (!inputSchemaProperty) {
    const key = schemaProperty.children?.[0] ?? schemaProperty;
    report({ file: inputs.file, node: key }, 'user.form: "schema" has no "input_schema", so the form shows no fields (the engine uses schema.input_schema or {}). Describe the fields to ask for in schema.input_schema.properties.');
    return;
  }
  const inputSchema = files.objectAt(schema, "input_schema");
  const valueNode = inputSchemaProperty.children?.[1];
  if (!valueNode || (isStringNode(valueNode) && isTemplate(valueNode.value))) return;
  const at = { file: schema.file, node: inputSchemaProperty.children?.[0] ?? inputSchemaProperty };
  if (!inputSchema) {
    report(at, 'user.form: "input_schema" is not an object, so the form shows no fields.');
    return;
  }
  const props = files.objectAt(inputSchema, "properties");
  const propsNode = propertyValue(inputSchema.node, "properties");
  if (propsNode && isStringNode(propsNode) && isTemplate(propsNode.value)) return;
  if (!props || properties(props.node).length === 0) {
    report(at, 'user.form: "input_schema" has no properties, so the form shows no fields.');
  }
}

function checkValidationPattern(diagnostics: DiagnosticList, files: RefResolver, inputs: Loc): void {
  const value = propertyValue(inputs.node, "validation_pattern");
  if (!value) return;
  const d = files.deref({ ...inputs, node: value });
  if (d.kind !== "node" || !isStringNode(d.loc.node)) return;
  const node = d.loc.node;
  const pattern = node.value;
  if (pattern === "" || isTemplate(pattern)) return; // empty: no check; a template: known at run time only
  try {
    compilePythonPattern(pattern);
  } catch (error) {
    if (!(error instanceof PythonRegexError)) throw error;
    const text = files.texts.get(d.loc.file) ?? "";
    const offsets = mapStringLiteral(text, node).offsets;
    const index = Math.min(Math.max(0, error.position), pattern.length);
    const start = offsets[index] ?? node.offset;
    const end = index < pattern.length ? (offsets[index + 1] ?? start + 1) : start + 1;
    diagnostics.report({
      file: d.loc.file,
      start,
      end,
      severity: Severity.Error,
      code: DiagnosticCodes.invalidValidationPattern,
      message: `validation_pattern does not compile as a Python regex: ${error.message}. The engine then skips the check and accepts every answer.`,
    });
  }
}
