/**
 * `user.form` (modules.md 2.3): a table of rows (`data`) with input fields per row
 * (`schema.input_schema`). The request carries `form_schema`, `form_type` and one copy of the field
 * defaults per row (`form_defaults`, ruling 7). The answer's `form_data` (a list, or an object keyed
 * `"0"`, `"1"`, …) comes back with each row's `_item` and `_index`; validation is io.validate's job.
 */
import { getInputValue, ModuleExecutionError, newInteractionId } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import { pythonGet, pythonIterate, pythonLen } from "../../python/values";
import {
  makeInteractionRequest,
  type InteractionRequest,
  type InteractionResponse,
  type InteractiveModule,
  type ModuleContext,
  type ModuleInputDecl,
  type ModuleOutputDecl,
} from "../types";

/** `'default' in prop` for whatever a property schema is. */
function hasDefault(property: unknown): boolean {
  if (isPlainObject(property)) return Object.prototype.hasOwnProperty.call(property, "default");
  if (Array.isArray(property)) return property.includes("default");
  if (typeof property === "string") return property.includes("default");
  throw new TypeError(`argument of type '${pythonTypeName(property)}' is not iterable`);
}

export class FormModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "user.form";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "data", type: "array", required: true, description: "Array of items to display and collect input for" },
    { name: "schema", type: "object", required: true, description: "Display schema; schema.input_schema describes the per-row inputs" },
    { name: "prompt", type: "string", required: false, default: "Please fill out the form", description: "Prompt/title for the form" },
    { name: "form_type", type: "string", required: false, default: "table", description: "Form type identifier for client-side rendering hints" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "form_data", type: "array", description: "Array of enriched items with _item, _index, and user input fields" },
  ];

  async getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    const data = Object.prototype.hasOwnProperty.call(inputs, "data") ? inputs.data : [];
    const schema = Object.prototype.hasOwnProperty.call(inputs, "schema") ? inputs.schema : {};
    const inputSchema = pythonGet(schema, "input_schema", {});

    const rowDefaults: Record<string, unknown> = {};
    const properties = pythonGet(inputSchema, "properties", {});
    if (!isPlainObject(properties)) throw new TypeError(`'${pythonTypeName(properties)}' object has no attribute 'items'`);
    for (const [key, property] of Object.entries(properties)) {
      if (hasDefault(property)) rowDefaults[key] = (property as Record<string, unknown>).default;
    }
    // One separate (shallow) copy per row, as `dict(item_defaults)`.
    const formDefaults = pythonIterate(data).map(() => ({ ...rowDefaults }));

    return makeInteractionRequest({
      interaction_id: newInteractionId("form", context),
      interaction_type: "form_input",
      title: getInputValue(this, inputs, "prompt") as string,
      form_schema: inputSchema as Record<string, unknown>,
      form_type: getInputValue(this, inputs, "form_type") as string,
      form_defaults: formDefaults,
      display_data: { data, schema },
      context: { module_id: this.moduleId },
    });
  }

  async executeWithResponse(
    inputs: Record<string, unknown>,
    context: ModuleContext,
    response: InteractionResponse,
  ): Promise<Record<string, unknown>> {
    if (isTruthy(response.cancelled)) throw new ModuleExecutionError(this.moduleId, "User cancelled form input");

    const data = Object.prototype.hasOwnProperty.call(inputs, "data") ? inputs.data : [];
    let rows: unknown[];
    const answered = response.form_data;
    if (isPlainObject(answered)) {
      // An object keyed by row index: one entry per data row, `{}` where a row is missing.
      rows = [];
      for (let i = 0; i < pythonLen(data); i++) rows.push(Object.prototype.hasOwnProperty.call(answered, String(i)) ? answered[String(i)] : {});
    } else {
      rows = Array.isArray(answered) ? answered : [];
    }

    const length = pythonLen(data);
    const enriched = rows.map((row, i) => {
      if (!isPlainObject(row)) throw new TypeError(`'${pythonTypeName(row)}' object is not a mapping`);
      // The row's own keys come last, so they override `_item` and `_index`.
      return { _item: i < length ? itemAt(data, i) : null, _index: i, ...row };
    });
    context.logger.debug(`Form submitted with ${enriched.length} items`);
    return { form_data: enriched };
  }
}

/** `data[i]` for a list (or a string); JSON rows are lists in practice. */
function itemAt(data: unknown, index: number): unknown {
  if (Array.isArray(data)) return data[index];
  if (typeof data === "string") return [...data][index];
  throw new TypeError(`'${pythonTypeName(data)}' object is not subscriptable`);
}
