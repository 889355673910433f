/**
 * Schema-driven selection (user.select's `display_data: {data, schema, multi_select, mode}`): turns raw
 * data plus display hints into groups of items, each knowing the index to send back. Pure (no DOM),
 * tested with node:test.
 *
 * Hints are read as `_ux.<hint>` keys, a `_ux` object, or a bare key: `display` (false/"hidden" hides,
 * "passthrough" renders only the children), `display_label`, `render_as` (`card-title`,
 * `card-subtitle`), `display_format` (`{{ value | join(' → ') }}`), `highlight`, `selectable`.
 * Shapes: an array root (flat list, index `i`), an object root whose properties hold selectable arrays
 * (parent → children, index `[key, i]`), and an object root with selectable `additionalProperties`
 * (object keys, index `"key"`).
 */

type Schema = Record<string, unknown>;

export interface Field {
  label: string;
  value: string;
  highlight: boolean;
  /** A nested object's (or list of objects') own rows, shown as `key: value` under the label. */
  children?: Field[];
  /** `value` is a pretty-printed JSON document (an LLM's response_text): shown preformatted. */
  block?: boolean;
}

export interface SelectItem {
  /** What goes into `selected_indices` for this item. */
  index: number | string | [string, number];
  key: string;
  title: string;
  subtitle: string;
  fields: Field[];
  selectable: boolean;
  raw: unknown;
}

export interface SelectGroup {
  id: string;
  label: string;
  items: SelectItem[];
}

export interface SelectModel {
  groups: SelectGroup[];
  /** Displayed values of the root that are not selectable (context for the choice). */
  info: Field[];
  multi: boolean;
  review: boolean;
  min: number;
  /** -1: no limit. */
  max: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function hint(schema: unknown, name: string): unknown {
  if (!isObject(schema)) return undefined;
  if (Object.hasOwn(schema, `_ux.${name}`)) return schema[`_ux.${name}`];
  const ux = schema._ux;
  if (isObject(ux) && Object.hasOwn(ux, name)) return ux[name];
  return undefined;
}

function hidden(schema: unknown): boolean {
  const display = hint(schema, "display");
  return display === false || display === "hidden" || display === "false";
}

function humanize(key: string): string {
  return key.replace(/[_-]+/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}

/** A value as text: strings as they are, lists joined, objects as compact JSON. `display_format` knows `join`. */
export function formatValue(value: unknown, format?: unknown): string {
  if (typeof format === "string") {
    const join = /\{\{\s*value\s*\|\s*join\((['"])(.*?)\1\)\s*\}\}/.exec(format);
    if (join && Array.isArray(value)) return format.replace(join[0], value.map((v) => formatValue(v)).join(join[2]));
    if (/\{\{\s*value\s*\}\}/.test(format)) return format.replace(/\{\{\s*value\s*\}\}/, formatValue(value));
  }
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map((v) => formatValue(v)).join(", ");
  return JSON.stringify(value);
}

/** How deep nested objects are shown as rows before the rest is summarised as compact JSON. */
const NESTED_DEPTH = 3;
/** JSON text shorter than this stays on its line. */
const PRETTY_MIN_LENGTH = 60;

/** A string that holds a JSON object or array (long enough to need it), pretty-printed; else undefined. */
export function prettyJsonString(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length < PRETTY_MIN_LENGTH || !/^[[{]/.test(trimmed)) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return parsed !== null && typeof parsed === "object" ? JSON.stringify(parsed, null, 2) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One displayed value as a field: a nested object (or list of objects) as rows of its own, a JSON
 * string pretty-printed, anything else as text. `format` (display_format) wins when it applies.
 */
export function fieldOf(label: string, value: unknown, schema: unknown, highlight = false, depth = 0): Field {
  const format = hint(schema, "display_format");
  const properties = isObject(schema) && isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  if (format === undefined && depth < NESTED_DEPTH) {
    if (isObject(value) && Object.keys(value).length > 0) {
      const children = Object.entries(value)
        .filter(([k]) => k !== "_metadata" && !hidden(properties[k]))
        .map(([k, v]) => fieldOf(displayLabel(properties[k], k), v, properties[k], false, depth + 1));
      return { label, value: "", highlight, children };
    }
    if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
      const items = isObject(schema) ? schema.items : undefined;
      return { label, value: "", highlight, children: value.map((v, i) => fieldOf(`${i + 1}`, v, items, false, depth + 1)) };
    }
  }
  if (typeof value === "string" && format === undefined) {
    const pretty = prettyJsonString(value);
    if (pretty !== undefined) return { label, value: pretty, highlight, block: true };
  }
  return { label, value: formatValue(value, format), highlight };
}

function displayLabel(schema: unknown, key: string): string {
  const label = hint(schema, "display_label");
  return typeof label === "string" ? label : humanize(key);
}

const TITLE_KEYS = ["label", "title", "name", "display_name", "id"];
const SUBTITLE_KEYS = ["description", "subtitle", "summary"];

function itemOf(raw: unknown, itemSchema: unknown, index: SelectItem["index"], key: string, selectableDefault: boolean): SelectItem {
  const selectableHint = hint(itemSchema, "selectable");
  const selectable = selectableHint === undefined ? selectableDefault : selectableHint !== false;
  if (!isObject(raw)) return { index, key, title: formatValue(raw), subtitle: "", fields: [], selectable, raw };
  const properties = isObject(itemSchema) && isObject(itemSchema.properties) ? (itemSchema.properties as Record<string, Schema>) : {};
  let title = "";
  let subtitle = "";
  const fields: Field[] = [];
  const described = Object.keys(properties).length > 0;
  for (const [name, value] of Object.entries(raw)) {
    if (name === "_metadata") continue;
    const propSchema = properties[name];
    if (described && propSchema === undefined) continue;
    if (hidden(propSchema)) continue;
    const renderAs = hint(propSchema, "render_as");
    if (renderAs === "card-title" && !title) title = formatValue(value, hint(propSchema, "display_format"));
    else if (renderAs === "card-subtitle" && !subtitle) subtitle = formatValue(value, hint(propSchema, "display_format"));
    else fields.push(fieldOf(displayLabel(propSchema, name), value, propSchema, Boolean(hint(propSchema, "highlight"))));
  }
  if (!title) {
    const k = TITLE_KEYS.find((k) => typeof raw[k] === "string" || typeof raw[k] === "number");
    if (k) {
      title = String(raw[k]);
      const at = fields.findIndex((f) => f.label === humanize(k));
      if (at >= 0) fields.splice(at, 1);
    } else title = key;
  }
  if (!subtitle) {
    const k = SUBTITLE_KEYS.find((k) => typeof raw[k] === "string" && raw[k] !== title);
    if (k) {
      subtitle = String(raw[k]);
      const at = fields.findIndex((f) => f.label === humanize(k));
      if (at >= 0) fields.splice(at, 1);
    }
  }
  return { index, key, title, subtitle, fields, selectable, raw };
}

export function buildSelectModel(request: Record<string, unknown>): SelectModel {
  const display = isObject(request.display_data) ? request.display_data : {};
  const data = display.data;
  const schema = isObject(display.schema) ? display.schema : {};
  const multi = display.multi_select === true;
  const review = request.interaction_type === "review_grouped" || display.mode === "review";
  const min = typeof request.min_selections === "number" ? request.min_selections : 1;
  const max = typeof request.max_selections === "number" ? request.max_selections : multi ? -1 : 1;
  const model: SelectModel = { groups: [], info: [], multi, review, min, max };
  const type = schema.type ?? (Array.isArray(data) ? "array" : "object");

  if (type === "array" && Array.isArray(data)) {
    const items = data.map((raw, i) => itemOf(raw, schema.items, i, String(i), true));
    const label = hint(schema, "display_label");
    model.groups.push({ id: "", label: typeof label === "string" ? label : "", items });
    return model;
  }
  if (isObject(data)) {
    const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
    const additional = schema.additionalProperties;
    if (schema.selectable === true || hint(schema, "selectable") === true || (isObject(additional) && hint(additional, "selectable") === true)) {
      const keys = Object.keys(data).filter((k) => !Object.hasOwn(properties, k));
      if (keys.length > 0) {
        model.groups.push({
          id: "",
          label: "",
          items: keys.map((k) => {
            const item = itemOf(data[k], additional, k, k, true);
            if (item.title === k || !item.title) item.title = k;
            return item;
          }),
        });
      }
    }
    for (const [key, propSchema] of Object.entries(properties)) {
      if (hidden(propSchema)) continue;
      const value = data[key];
      const itemsSchema = isObject(propSchema) ? propSchema.items : undefined;
      const selectable = propSchema.selectable === true || hint(itemsSchema, "selectable") === true || hint(propSchema, "selectable") === true;
      const label = hint(propSchema, "display_label") ?? propSchema.title;
      if (Array.isArray(value) && (propSchema.type === "array" || itemsSchema)) {
        model.groups.push({
          id: key,
          label: typeof label === "string" ? label : humanize(key),
          items: value.map((raw, i) => itemOf(raw, itemsSchema, [key, i], `${key}.${i}`, selectable)),
        });
      } else if (value !== undefined) {
        model.info.push(fieldOf(typeof label === "string" ? label : humanize(key), value, propSchema));
      }
    }
  }
  return model;
}

/** Whether `count` selections satisfy min/max, and if not, what to tell the user. */
export function selectionProblem(model: Pick<SelectModel, "min" | "max" | "multi">, count: number): string | undefined {
  if (count < model.min) return model.min === 1 ? "Choose one option." : `Choose at least ${model.min} options.`;
  if (model.max >= 0 && count > model.max) return model.max === 1 ? "Choose only one option." : `Choose at most ${model.max} options.`;
  return undefined;
}

/** The answer for a selection: indices as the module reads them, plus the chosen options. */
export function selectionResponse(items: SelectItem[]): Record<string, unknown> {
  return {
    selected_indices: items.map((item) => item.index),
    selected_options: items.map((item) => ({ id: item.key, label: item.title, ...(isObject(item.raw) ? { metadata: item.raw } : {}) })),
  };
}

/** The sticky Submit bar's one-line summary of a selection (titles, shortened past `maxTitles`). */
export function selectionSummary(items: Pick<SelectItem, "title">[], multi: boolean, maxTitles = 3): string {
  if (items.length === 0) return "Nothing selected";
  const titles = items.slice(0, maxTitles).map((i) => i.title);
  const more = items.length > maxTitles ? ` and ${items.length - maxTitles} more` : "";
  return multi ? `${items.length} selected: ${titles.join(", ")}${more}` : `Selected: ${titles[0]}`;
}
