/**
 * `user.select` (modules.md §2.2): choose items from raw data described by a display schema, or review
 * them (`mode: "review"` → a `review_grouped` interaction with retry). The client answers with indices;
 * the module keeps them raw in `selected_indices` (workflows index into them) and extracts
 * `selected_data`: single-select with exactly one hit gives the item itself, otherwise a list.
 */
import { getInputValue, ModuleExecutionError, newInteractionId } from "../base";
import { isPlainObject, isPythonInt, isTruthy, pythonIntValue, pythonTypeName } from "../../python/builtins";
import {
  makeInteractionRequest,
  type AddonProcessor,
  type InteractionRequest,
  type InteractionResponse,
  type InteractiveModule,
  type ModuleContext,
  type ModuleInputDecl,
  type ModuleOutputDecl,
} from "../types";

type Item = Record<string, unknown>;

/** Python's `dict.get(key, default)` on a value that must be a dict (AttributeError otherwise). */
function dictGet(value: unknown, key: string, fallback: unknown = null): unknown {
  if (!isPlainObject(value)) throw new TypeError(`'${pythonTypeName(value)}' object has no attribute 'get'`);
  return Object.prototype.hasOwnProperty.call(value, key) ? value[key] : fallback;
}

/**
 * The object items addons decorate (and `on_selection` indexes into): the object elements of an
 * array root, or for an object root the values of a selectable `additionalProperties` map and the
 * object items of properties flagged with a top-level `selectable` (not `_ux.selectable`).
 * References, not copies, so addons can embed `_metadata` in place.
 */
export function selectItemReferences(data: unknown, schema: unknown): Item[] {
  const refs: Item[] = [];
  const schemaType = dictGet(schema, "type");
  if (schemaType === "array") {
    if (Array.isArray(data)) for (const item of data) if (isPlainObject(item)) refs.push(item);
  } else if (schemaType === "object") {
    const properties = dictGet(schema, "properties", {});
    const additional = dictGet(schema, "additionalProperties", {});
    const rootSelectable = dictGet(schema, "selectable", false);
    if (isTruthy(rootSelectable) && isTruthy(additional) && isPlainObject(data)) {
      for (const value of Object.values(data)) if (isPlainObject(value)) refs.push(value);
    }
    for (const [key, propertySchema] of Object.entries(properties as Record<string, unknown>)) {
      if (dictGet(propertySchema, "type") === "array" && isTruthy(dictGet(propertySchema, "selectable"))) {
        const arrayData = isPlainObject(data) ? (Object.prototype.hasOwnProperty.call(data, key) ? data[key] : []) : [];
        if (!Array.isArray(arrayData)) continue;
        for (const item of arrayData) if (isPlainObject(item)) refs.push(item);
      }
    }
  }
  return refs;
}

/** Indices as flat item positions for addons: a list gives its first element (0 if empty), strings are dropped. */
export function flattenSelectionIndices(indices: readonly unknown[]): number[] {
  const flat: number[] = [];
  for (const index of indices) {
    if (Array.isArray(index)) flat.push(index.length > 0 ? (index[0] as number) : 0);
    else if (isPythonInt(index)) flat.push(pythonIntValue(index));
  }
  return flat;
}

/** A shallow copy without the addons' `_metadata`; non-objects unchanged. */
function cleanItem(item: unknown): unknown {
  if (!isPlainObject(item)) return item;
  const { _metadata: _ignored, ...rest } = item;
  return rest;
}

/**
 * Single-select clients may send an unwrapped path (`["scenes", 1]` for `[["scenes", 1]]`): a string
 * first element with at least two elements is one path.
 */
function normalizeIndices(indices: unknown[], multiSelect: boolean): unknown[] {
  if (indices.length === 0 || multiSelect) return indices;
  if (typeof indices[0] === "string" && indices.length >= 2) return [indices];
  return indices;
}

function extractFromArray(data: unknown[], indices: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const index of indices) {
    if (Array.isArray(index) && index.length === 0) throw new RangeError("list index out of range");
    const actual = Array.isArray(index) ? index[0] : index;
    if (!isPythonInt(actual)) continue;
    const position = pythonIntValue(actual);
    if (position >= 0 && position < data.length) out.push(cleanItem(data[position]));
  }
  return out;
}

function extractObjectItem(data: Item, index: unknown): unknown {
  if (typeof index === "string") {
    return Object.prototype.hasOwnProperty.call(data, index) ? cleanItem(data[index]) : null;
  }
  if (Array.isArray(index) && index.length >= 2) {
    const [key, sub] = index;
    if (key !== null && typeof key === "object") throw new TypeError(`unhashable type: '${pythonTypeName(key)}'`);
    if (typeof key !== "string" || !Object.prototype.hasOwnProperty.call(data, key)) return null;
    const list = data[key];
    if (!Array.isArray(list)) return null;
    if (!isPythonInt(sub)) {
      if (typeof sub === "number") {
        // A float compares fine in Python but cannot index a list.
        if (sub >= 0 && sub < list.length) throw new TypeError("list indices must be integers or slices, not float");
        return null;
      }
      throw new TypeError(`'<=' not supported between instances of 'int' and '${pythonTypeName(sub)}'`);
    }
    const position = pythonIntValue(sub);
    if (position >= 0 && position < list.length) return cleanItem(list[position]);
  }
  return null;
}

/**
 * The original's `_extract_selected_data`. `None` results from object look-ups are dropped (a null
 * value counts as "not found"), array look-ups keep them.
 */
export function extractSelectedData(data: unknown, schema: unknown, selectedIndices: unknown[], multiSelect: boolean): unknown {
  if (selectedIndices.length === 0 || !isTruthy(data)) return multiSelect ? [] : null;
  const schemaType = dictGet(schema, "type");
  const indices = normalizeIndices(selectedIndices, multiSelect);
  let items: unknown[];
  if (schemaType === "array" && Array.isArray(data)) {
    items = extractFromArray(data, indices);
  } else if (schemaType === "object" && isPlainObject(data)) {
    items = [];
    for (const index of indices) {
      const item = extractObjectItem(data, index);
      if (item !== null && item !== undefined) items.push(item);
    }
  } else {
    items = [];
  }
  if (!multiSelect && items.length === 1) return items[0];
  return items;
}

export class SelectModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "user.select";
  private addonProcessor: AddonProcessor | null = null;

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "data", type: "object", required: true, description: "Raw data to select from (object or array)" },
    { name: "schema", type: "object", required: true, description: "JSON Schema with display hints (display, display_label, selectable)" },
    { name: "prompt", type: "string", required: false, default: "Make a selection", description: "Prompt text for user" },
    { name: "multi_select", type: "boolean", required: false, default: false, description: "Allow multiple selections" },
    { name: "mode", type: "string", required: false, default: "select", description: "'select', or 'review' for review with retry" },
    { name: "min_selections", type: "integer", required: false, default: 1, description: "Minimum number of selections required" },
    { name: "max_selections", type: "integer", required: false, default: null, description: "Maximum selections (null: -1 for multi-select, else 1)" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "selected_indices", type: "array", description: "Selection indices/keys, as the client sent them" },
    { name: "selected_data", type: "array", description: "The selected items (a single object for a single-select with one hit)" },
    { name: "retry_requested", type: "boolean", description: "Whether retry was requested (review mode)" },
    { name: "retry_feedback", type: "string", description: "Feedback text for retry" },
    { name: "retry_groups", type: "array", description: "Groups selected for retry (review mode)" },
    { name: "jump_back_requested", type: "boolean", description: "Whether jump back was requested" },
    { name: "jump_back_target", type: "string", description: "Target for jump back" },
  ];

  setAddonProcessor(processor: AddonProcessor): void {
    this.addonProcessor = processor;
  }

  private input(inputs: Record<string, unknown>, name: string): unknown {
    return getInputValue(this, inputs, name);
  }

  async getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    const data = inputs.data;
    const schema = inputs.schema;
    const multiSelect = this.input(inputs, "multi_select");
    const mode = this.input(inputs, "mode");
    const maxSelections = this.input(inputs, "max_selections");

    if (this.addonProcessor !== null) {
      const items = selectItemReferences(data, schema);
      if (items.length > 0) await this.addonProcessor.processItems(items);
    }

    return makeInteractionRequest({
      interaction_id: newInteractionId("select", context),
      interaction_type: mode === "review" ? "review_grouped" : "select_from_structured",
      title: this.input(inputs, "prompt") as string,
      options: [],
      extra_options: [],
      min_selections: this.input(inputs, "min_selections") as number,
      max_selections: (maxSelections ?? (isTruthy(multiSelect) ? -1 : 1)) as number,
      display_data: {
        data,
        schema,
        multi_select: multiSelect,
        mode,
        retryable: context.retryable,
        sub_actions: context.subActions,
      },
      context: { module_id: this.moduleId },
    });
  }

  async executeWithResponse(
    inputs: Record<string, unknown>,
    context: ModuleContext,
    response: InteractionResponse,
  ): Promise<Record<string, unknown>> {
    if (isTruthy(response.cancelled)) throw new ModuleExecutionError(this.moduleId, "User cancelled selection");

    if (isTruthy(response.jump_back_requested)) {
      return {
        selected_indices: [],
        retry_requested: false,
        retry_feedback: "",
        retry_groups: [],
        jump_back_requested: true,
        jump_back_target: response.jump_back_target,
      };
    }

    if (isTruthy(response.retry_requested)) {
      return {
        selected_indices: [],
        retry_requested: true,
        retry_feedback: isTruthy(response.retry_feedback) ? response.retry_feedback : "",
        retry_groups: isTruthy(response.retry_groups) ? response.retry_groups : [],
        jump_back_requested: false,
        jump_back_target: "",
      };
    }

    let selectedIndices: unknown = isTruthy(response.selected_indices) ? response.selected_indices : [];
    if (!isTruthy(selectedIndices) && isTruthy(response.selected_options)) {
      for (const option of response.selected_options) {
        if (!isPlainObject(option)) continue;
        const metadata = dictGet(option, "metadata", {});
        const indices = dictGet(metadata, "indices");
        if (isTruthy(indices)) {
          selectedIndices = Array.isArray(indices) ? indices : [indices];
          break;
        }
        const single = dictGet(metadata, "_index");
        if (single !== null && single !== undefined) {
          selectedIndices = isPythonInt(single) ? [single] : single;
          break;
        }
      }
    }
    const indices = selectedIndices as unknown[];

    const data = Object.prototype.hasOwnProperty.call(inputs, "data") ? inputs.data : null;
    const schema = Object.prototype.hasOwnProperty.call(inputs, "schema") ? inputs.schema : {};
    if (this.addonProcessor !== null && isTruthy(data) && isTruthy(schema)) {
      const items = selectItemReferences(data, schema);
      if (items.length > 0) await this.addonProcessor.callOnSelection(flattenSelectionIndices(indices), items);
    }

    const multiSelect = isTruthy(this.input(inputs, "multi_select"));
    const selectedData = extractSelectedData(data, schema, indices, multiSelect);
    context.logger.debug(`Selection indices: ${JSON.stringify(indices)}`);

    return {
      selected_indices: indices,
      selected_data: selectedData,
      retry_requested: false,
      retry_feedback: "",
      retry_groups: [],
      jump_back_requested: false,
      jump_back_target: "",
    };
  }
}
