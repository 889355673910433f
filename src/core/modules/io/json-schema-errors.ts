/**
 * io.validate's validator (modules.md 2.13): JSON Schema 2020-12 with Ajv (all errors, formats), its
 * errors reported the way the original's Python `jsonschema` reports them, so that `errors` reads the
 * same: Python wording (`'mode' is a required property`, `-1 is less than the minimum of 0`,
 * `None is not of type 'array'`), one error for all extra properties, one error for a failed
 * `anyOf`/`oneOf`/`not`/`contains` (the branch errors are only its context in Python), and errors in
 * the order Python finds them (schema keyword order, then instance order).
 */
import Ajv2020, { type ErrorObject } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { pyRepr } from "../../python/format";
import { isPlainObject } from "../../python/builtins";
import { compilePythonPattern, pythonSearchRegExp } from "../../python/regex";
import { parseJsonPointer } from "../../json/pointer";

export interface SchemaValidationError {
  /** JSON pointer of the instance, e.g. `/items/0/count` (empty at the root). */
  path: string;
  message: string;
  keyword: string;
}

/** The schema itself is not a valid 2020-12 schema (Python's SchemaError). */
export class InvalidSchemaError extends Error {}

const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";

/** Patterns are Python `re.search` patterns (`(?P<name>…)`, Unicode `\d`), through the one `re` translation; Ajv's `u` flag is replaced by the translation's own. */
const pythonRegExp = Object.assign((pattern: string) => pythonSearchRegExp(compilePythonPattern(pattern)), { code: "new RegExp" });

function newAjv(): Ajv2020 {
  // A fresh instance per validation: schemas with the same `$id` must not clash between runs.
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true, code: { regExp: pythonRegExp } });
  addFormats(ajv);
  return ajv;
}

/** Branch keywords whose inner errors Python keeps only as the context of one error. */
const CONTEXT_ONLY = new Set(["anyOf", "oneOf", "not", "contains"]);
/** Ajv wrapper errors Python does not report (it reports the inner errors). */
const WRAPPERS = new Set(["if", "propertyNames"]);

/** Ajv's instance and schema paths are JSON Pointers. */
function segments(pointer: string): string[] {
  return parseJsonPointer(pointer) ?? [];
}

function plural(count: number): string {
  return count === 1 ? "was" : "were";
}

function message(error: ErrorObject, extras: string[]): string {
  const instance = pyRepr(error.data);
  const params = error.params as Record<string, unknown>;
  const schema = error.schema;
  switch (error.keyword) {
    case "required":
      return `${pyRepr(params.missingProperty)} is a required property`;
    case "type": {
      const types = Array.isArray(schema) ? schema : [schema];
      return `${instance} is not of type ${types.map((type) => pyRepr(type)).join(", ")}`;
    }
    case "minimum":
      return `${instance} is less than the minimum of ${pyRepr(schema)}`;
    case "maximum":
      return `${instance} is greater than the maximum of ${pyRepr(schema)}`;
    case "exclusiveMinimum":
      return `${instance} is less than or equal to the minimum of ${pyRepr(schema)}`;
    case "exclusiveMaximum":
      return `${instance} is greater than or equal to the maximum of ${pyRepr(schema)}`;
    case "multipleOf":
      return `${instance} is not a multiple of ${pyRepr(schema)}`;
    case "minLength":
    case "minItems":
      return `${instance} ${schema === 1 ? "should be non-empty" : "is too short"}`;
    case "maxLength":
    case "maxItems":
      return `${instance} ${schema === 0 ? "is expected to be empty" : "is too long"}`;
    case "minProperties":
      return `${instance} ${schema === 1 ? "should be non-empty" : "does not have enough properties"}`;
    case "maxProperties":
      return `${instance} ${schema === 0 ? "is expected to be empty" : "has too many properties"}`;
    case "pattern":
      return `${instance} does not match ${pyRepr(schema)}`;
    case "format":
      return `${instance} is not a ${pyRepr(schema)}`;
    case "enum":
      return `${instance} is not one of ${pyRepr(schema)}`;
    case "const":
      return `${pyRepr(schema)} was expected`;
    case "uniqueItems":
      return `${instance} has non-unique elements`;
    case "additionalProperties":
      return `Additional properties are not allowed (${extras.map((extra) => pyRepr(extra)).join(", ")} ${plural(extras.length)} unexpected)`;
    case "unevaluatedProperties":
      return `Unevaluated properties are not allowed (${extras.map((extra) => pyRepr(extra)).join(", ")} ${plural(extras.length)} unexpected)`;
    case "unevaluatedItems":
      return `Unevaluated items are not allowed (${extras.map((extra) => pyRepr(extra)).join(", ")} ${plural(extras.length)} unexpected)`;
    case "dependentRequired":
      return `${pyRepr(params.missingProperty)} is a dependency of ${pyRepr(params.property)}`;
    case "anyOf":
      return `${instance} is not valid under any of the given schemas`;
    case "oneOf": {
      const passing = params.passingSchemas;
      if (Array.isArray(passing) && Array.isArray(schema)) {
        // Python lists the later valid branches, then the first one.
        const [first, ...more] = passing.map((i) => pyRepr((schema as unknown[])[i as number]));
        return `${instance} is valid under each of ${[...more, first].join(", ")}`;
      }
      return `${instance} is not valid under any of the given schemas`;
    }
    case "not":
      return `${instance} should not be valid under ${pyRepr(schema)}`;
    case "contains":
      return `${instance} does not contain items matching the given schema`;
    case "minContains":
      return `Too few items match the given schema (expected at least ${pyRepr(schema)})`;
    case "maxContains":
      return `Too many items match the given schema (expected at most ${pyRepr(schema)})`;
    case "items": {
      // Only `items: false` fails here; a schema's own failures are reported inside it.
      const prefix = Number(params.limit ?? 0);
      const items = Array.isArray(error.data) ? error.data : [];
      const extra = items.length - prefix;
      const rest = extra === 1 ? items[prefix] : items.slice(prefix);
      return `Expected at most ${prefix} ${prefix === 1 ? "item" : "items"} but found ${extra} extra: ${pyRepr(rest)}`;
    }
    case "false schema":
      return `False schema does not allow ${instance}`;
    default:
      return error.message ?? "Validation error";
  }
}

/**
 * Where Python's depth-first walk meets an error: at each schema level the keyword's position in
 * its object, and where a keyword descends into the instance, the instance key or index.
 */
function orderKey(root: unknown, error: ErrorObject): Array<number | string> {
  const key: Array<number | string> = [];
  const instance = segments(error.instancePath);
  let depth = 0;
  let node: unknown = root;
  const path = segments(error.schemaPath.replace(/^#/, ""));
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (!isPlainObject(node)) {
      if (Array.isArray(node)) {
        key.push(Number(part));
        node = node[Number(part)];
        continue;
      }
      break;
    }
    const keys = Object.keys(node);
    key.push(keys.indexOf(part));
    const child = node[part];
    if (part === "properties" || part === "patternProperties" || part === "dependentSchemas" || part === "$defs" || part === "definitions") {
      const name = path[i + 1];
      if (name === undefined || !isPlainObject(child)) break;
      key.push(Object.keys(child).indexOf(name));
      if (part === "properties" || part === "patternProperties") {
        if (part === "patternProperties") key.push(instance[depth] ?? "");
        depth++;
      }
      node = child[name];
      i++;
      continue;
    }
    if (part === "items" || part === "additionalProperties" || part === "unevaluatedItems" || part === "unevaluatedProperties") {
      const at = instance[depth];
      if (at !== undefined && i < path.length - 1) {
        key.push(/^\d+$/.test(at) ? Number(at) : at);
        depth++;
      }
    } else if (part === "prefixItems") {
      depth++;
    }
    node = child;
  }
  return key;
}

function compareKeys(a: Array<number | string>, b: Array<number | string>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** Validates `data` against a 2020-12 `schema`; throws `InvalidSchemaError` for a bad schema. */
export function validateAgainstSchema(data: unknown, schema: unknown): { valid: boolean; errors: SchemaValidationError[] } {
  const ajv = newAjv();
  let subject = schema;
  // Validated as 2020-12 whatever `$schema` says (Python's Draft202012Validator does the same).
  if (isPlainObject(schema) && typeof schema.$schema === "string" && schema.$schema.replace(/#$/, "") !== DRAFT_2020) {
    const { $schema: _ignored, ...rest } = schema;
    subject = rest;
  }
  if (!ajv.validateSchema(subject as object)) {
    throw new InvalidSchemaError(ajv.errorsText(ajv.errors, { dataVar: "schema" }));
  }
  const validate = ajv.compile(subject as object);
  if (validate(data)) return { valid: true, errors: [] };

  const raw = (validate.errors ?? []).filter((error) => {
    if (WRAPPERS.has(error.keyword)) return false;
    const inner = segments(error.schemaPath.replace(/^#/, "")).slice(0, -1);
    return !inner.some((part) => CONTEXT_ONLY.has(part));
  });

  // Extra properties: one error per object, the names sorted as Python's `sorted(extras, key=str)`.
  const grouped = new Map<string, { error: ErrorObject; extras: string[] }>();
  const ordered: Array<{ error: ErrorObject; extras: string[] }> = [];
  for (const error of raw) {
    const extra = (error.params as Record<string, unknown>).additionalProperty ?? (error.params as Record<string, unknown>).unevaluatedProperty;
    if (extra !== undefined && (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties")) {
      const id = `${error.keyword}\u0000${error.instancePath}\u0000${error.schemaPath}`;
      const group = grouped.get(id);
      if (group) {
        group.extras.push(String(extra));
        continue;
      }
      const entry = { error, extras: [String(extra)] };
      grouped.set(id, entry);
      ordered.push(entry);
      continue;
    }
    ordered.push({ error, extras: [] });
  }
  for (const entry of grouped.values()) entry.extras.sort();

  const keyed = ordered.map((entry, index) => ({ entry, index, key: orderKey(subject, entry.error) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key) || a.index - b.index);
  return {
    valid: false,
    errors: keyed.map(({ entry }) => ({
      path: entry.error.instancePath,
      message: message(entry.error, entry.extras),
      keyword: entry.error.keyword,
    })),
  };
}

/** `format_errors_for_display`: `"<path>: <message>"`, or the message alone at the root. */
export function formatErrorsForDisplay(errors: SchemaValidationError[]): string[] {
  return errors.map((error) => (error.path ? `${error.path}: ${error.message}` : error.message));
}
