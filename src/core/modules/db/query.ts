/**
 * `db.query` (modules.md §2.8): a safe, config-driven `find` on one collection of the (virtual) DB.
 * The `config` collection says which operators are allowed or blocked (`query_schema`) and, per table,
 * which fields may be filtered, returned and sorted, and which are injected from the context
 * (`context_filters`, which override the user's filter). Variables (`$NOW`, `$context.x`, `$state.x`,
 * `$input.x`) are substituted after validation, so a `$state.x` inside `$in` is rejected as a field
 * reference, as in the original.
 *
 * Mock mode answers two fixed rows with seeded lorem titles, without touching the DB.
 */
import { DEFAULT_MOCK_SEED, loremSentence, seededRandom } from "../../mock";
import { getInputValue, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";

type Json = Record<string, unknown>;

/** Operators whose plain string arguments are field references too. */
const PARAMETER_OPERATORS = new Set(["$dateSubtract", "$dateAdd", "$dateDiff", "$dateFromString", "$dateToString", "$dateTrunc"]);

function sortedList(values: Iterable<unknown>): string {
  return [...values].map(String).sort().join(", ");
}

/** `datetime.now().isoformat()` of a naive local time: `YYYY-MM-DDTHH:MM:SS.ffffff`. */
function naiveNowIso(now: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return (
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds() * 1000, 6)}`
  );
}

interface TableSchema {
  collection?: string;
  filterable_fields?: unknown[];
  queryable_fields?: unknown[];
  context_filters?: Json;
}

export class DbQueryModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "db.query";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "table_schema", type: "string", required: true, description: "Name of a config entry {type: 'db.table_schema', name}" },
    { name: "query", type: "object", required: true, description: "{filter?, fields, sort?, limit?}" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "results", type: "array", description: "Matching documents (only the requested fields)" },
    { name: "count", type: "integer", description: "Number of results" },
  ];

  getMockOutput(): Json {
    const random = seededRandom(DEFAULT_MOCK_SEED);
    return {
      results: [
        { _id: "mock-001", title: loremSentence(random) },
        { _id: "mock-002", title: loremSentence(random) },
      ],
      count: 2,
    };
  }

  private fail(reason: string): never {
    throw new ModuleExecutionError(this.moduleId, reason);
  }

  async execute(inputs: Json, context: ModuleContext): Promise<Json> {
    if (context.mockMode) return this.getMockOutput();
    const tableName = getInputValue(this, inputs, "table_schema");
    if (!isTruthy(tableName)) this.fail("Missing required input: table_schema");
    if (!context.db) this.fail("context.db is required for database queries");
    const query = getInputValue(this, inputs, "query");
    const q: Json = isPlainObject(query) ? query : {};

    const querySchema = context.db.getQuerySchema();
    if (!isPlainObject(querySchema)) this.fail("Query schema not found in config. Run seed_config.py to initialize.");
    const table = context.db.getTableSchema(String(tableName));
    if (!isPlainObject(table)) {
      const available = Object.keys(context.db.getAllTableSchemas());
      this.fail(`Table schema '${String(tableName)}' not found. Available tables: ${available.length > 0 ? available.join(", ") : "none"}`);
    }
    const tableSchema = table as TableSchema;

    // `query.get(key, default)`: the default only when the key is absent.
    const filter = Object.prototype.hasOwnProperty.call(q, "filter") ? q.filter : {};
    const fields = Array.isArray(q.fields) ? q.fields : [];
    const sort: Json = isPlainObject(q.sort) && isTruthy(q.sort) ? q.sort : {};
    if (!isTruthy(q.fields)) this.fail("query.fields is required - specify which fields to return");

    this.checkOperators(filter, "filter", querySchema);
    const filterable = new Set((tableSchema.filterable_fields ?? []).map(String));
    const contextFilters = isPlainObject(tableSchema.context_filters) ? tableSchema.context_filters : {};
    const injected = new Set(Object.keys(contextFilters));
    this.checkFields(filter, "", filterable, injected, false);

    const queryable = new Set((tableSchema.queryable_fields ?? []).map(String));
    for (const field of fields) {
      if (!queryable.has(String(field))) this.fail(`Field '${String(field)}' is not queryable. Queryable fields: ${sortedList(queryable)}`);
    }
    for (const key of Object.keys(sort)) {
      if (!queryable.has(key)) this.fail(`Cannot sort by field '${key}' - not in queryable fields. Queryable fields: ${sortedList(queryable)}`);
    }

    const defaultLimit = typeof querySchema.default_limit === "number" ? querySchema.default_limit : 100;
    const maxLimit = typeof querySchema.max_limit === "number" ? querySchema.max_limit : 1000;
    const limit = q.limit === null || q.limit === undefined ? defaultLimit : Math.min(Number(q.limit), maxLimit);

    const resolved = this.substitute(filter, inputs, context);
    // `dict(filter)` in the original: anything but an object fails there.
    if (!isPlainObject(resolved)) throw new TypeError(`'${pythonTypeName(resolved)}' object is not iterable`);
    const finalFilter: Json = { ...resolved };
    for (const [field, source] of Object.entries(contextFilters)) {
      let value: unknown = source;
      if (typeof source === "string" && source.startsWith("$context.")) {
        value = contextAttribute(context, source.slice("$context.".length));
        if (value === null || value === undefined) {
          this.fail(`Context filter '${field}' resolved to None. Variable '${source}' not available in context.`);
        }
      }
      finalFilter[field] = value;
    }

    const projection: Json = {};
    for (const field of fields) projection[String(field)] = 1;
    projection._id = 0;
    const collectionName = String(Object.prototype.hasOwnProperty.call(tableSchema, "collection") ? tableSchema.collection : tableName);
    const results = context.db.collection(collectionName).find(finalFilter, {
      projection,
      ...(Object.keys(sort).length > 0 ? { sort: Object.entries(sort).map(([key, direction]) => [key, Number(direction) < 0 ? -1 : 1] as const) } : {}),
      // pymongo treats a limit of 0 as "no limit".
      ...(limit > 0 ? { limit } : {}),
    });
    return { results, count: results.length };
  }

  private checkOperators(value: unknown, path: string, querySchema: Json): void {
    const allowed = new Set((Array.isArray(querySchema.allowed_operators) ? querySchema.allowed_operators : []).map(String));
    const blocked = new Set((Array.isArray(querySchema.blocked_operators) ? querySchema.blocked_operators : []).map(String));
    const walk = (node: unknown, at: string): void => {
      if (isPlainObject(node)) {
        for (const [key, child] of Object.entries(node)) {
          const childPath = `${at}.${key}`;
          if (key.startsWith("$")) {
            if (blocked.has(key)) this.fail(`Operator '${key}' is blocked for security reasons at ${childPath}. This operator can execute arbitrary code.`);
            if (!allowed.has(key)) this.fail(`Unknown operator '${key}' at ${childPath}. Allowed operators: ${[...allowed].sort().join(", ")}`);
          }
          walk(child, childPath);
        }
      } else if (Array.isArray(node)) {
        node.forEach((item, index) => {
          if (isPlainObject(item)) walk(item, `${at}[${index}]`);
        });
      }
    };
    walk(value, path);
  }

  /** A `$field` reference (strings without `$` and `$$` system variables pass) must be filterable, not injected. */
  private checkReference(reference: string, at: string, filterable: Set<string>, injected: Set<string>): void {
    if (reference.startsWith("$$") || !reference.startsWith("$")) return;
    const field = reference.slice(1);
    if (injected.has(field)) this.fail(`Field reference '${reference}' at ${at} cannot be used. This field is automatically injected from context.`);
    if (!filterable.has(field)) this.fail(`Field reference '${reference}' at ${at} is not allowed. Allowed fields: ${[...filterable].sort().join(", ")}`);
  }

  /**
   * Field names (non-`$` keys) must be filterable and not injected; under operators, objects are
   * walked and list strings are field references. Inside a parameter operator (`$dateAdd`, …) the
   * keys are parameter names, and their string values are field references.
   */
  private checkFields(node: unknown, at: string, filterable: Set<string>, injected: Set<string>, insideParameterOperator: boolean): void {
    if (!isPlainObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const path = at ? `${at}.${key}` : key;
      if (key.startsWith("$")) {
        const parameter = PARAMETER_OPERATORS.has(key);
        if (isPlainObject(value)) this.checkFields(value, path, filterable, injected, parameter);
        else if (Array.isArray(value)) {
          value.forEach((item, index) => {
            if (isPlainObject(item)) this.checkFields(item, `${path}[${index}]`, filterable, injected, parameter);
            else if (typeof item === "string") this.checkReference(item, `${path}[${index}]`, filterable, injected);
          });
        }
        continue;
      }
      if (insideParameterOperator) {
        if (typeof value === "string") this.checkReference(value, path, filterable, injected);
        else if (isPlainObject(value)) this.checkFields(value, path, filterable, injected, false);
        continue;
      }
      if (injected.has(key)) this.fail(`Field '${key}' cannot be used in filter. This field is automatically injected from context.`);
      if (!filterable.has(key)) this.fail(`Field '${key}' is not filterable. Filterable fields: ${[...filterable].sort().join(", ")}`);
      if (isPlainObject(value)) this.checkFields(value, path, filterable, injected, false);
    }
  }

  /** `$NOW`, `$context.<attr>`, `$state.<key>` and `$input.<key>` replaced, through objects and lists. */
  private substitute(value: unknown, inputs: Json, context: ModuleContext): unknown {
    if (typeof value === "string") {
      if (value === "$NOW") return naiveNowIso(context.now());
      if (value.startsWith("$context.")) return contextAttribute(context, value.slice("$context.".length)) ?? null;
      if (value.startsWith("$state.")) return context.state.get(value.slice("$state.".length)) ?? null;
      if (value.startsWith("$input.")) {
        const key = value.slice("$input.".length);
        return Object.prototype.hasOwnProperty.call(inputs, key) ? inputs[key] : null;
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((item) => this.substitute(item, inputs, context));
    if (isPlainObject(value)) {
      const out: Json = {};
      for (const [key, child] of Object.entries(value)) out[key] = this.substitute(child, inputs, context);
      return out;
    }
    return value;
  }
}

/** `getattr(context, attr, None)` with the original's snake_case attribute names. */
function contextAttribute(context: ModuleContext, attribute: string): unknown {
  const attributes: Record<string, unknown> = {
    workflow_run_id: context.workflowRunId,
    workflow_template_name: context.workflowTemplateName,
    workflow_template_id: context.workflowTemplateId,
    user_id: context.userId,
    branch_id: context.branchId,
    step_id: context.stepId,
    current_module_name: context.currentModuleName,
    current_module_index: context.currentModuleIndex,
    mock_mode: context.mockMode,
  };
  return Object.prototype.hasOwnProperty.call(attributes, attribute) ? attributes[attribute] : null;
}
