/**
 * Plausible mock strings (issue 12): the faker's lorem ipsum is replaced, field by field, with text of
 * the kind the field asks for: the schema's own `examples` when it has some, else a kind read from the
 * property name (`title`, `hook`, `keyword`, `name`, `url`…) or its `description`, drawn from
 * vocabulary.ts. Only plain string schemas are touched: `enum`, `const`, `format` and `pattern` keep the
 * faker's value (its pattern-based generation included), as do strings under `anyOf`/`oneOf`/`not`/
 * `if`. `minLength`/`maxLength` are respected (counted in code points, as JSON Schema does); the caller
 * validates the result and keeps the faker's value when it does not pass.
 */
import { parseJsonPointer } from "../json/pointer";
import { seededRandom, type RandomSource } from "./random";
import { textOf, type TextKind } from "./vocabulary";

type Schema = Record<string, unknown>;

const MAX_DEPTH = 32;
const REDRAWS = 6;

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Words of a property name or description: `sceneTitle` / `scene_title` → ["scene", "title"], singular. */
function tokens(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0)
    .map((t) => (t.length > 4 && t.endsWith("ies") ? `${t.slice(0, -3)}y` : t.length > 3 && t.endsWith("s") && !t.endsWith("ss") ? t.slice(0, -1) : t));
}

/** Token → kind, most specific first. */
const TOKEN_KINDS: Array<[RegExp, TextKind]> = [
  [/^(url|uri|link|href|website|homepage|src)$/, "url"],
  [/^e?mail$/, "email"],
  [/^(uuid|guid|id|slug)$/, "id"],
  [/^(filename|file|path)$/, "filename"],
  [/^emoji$/, "emoji"],
  [/^hashtag$/, "hashtag"],
  [/^colou?r$/, "color"],
  [/^(timestamp|datetime)$/, "dateTime"],
  [/^(date|birthday|deadline)$/, "date"],
  [/^(phone|telephone|mobile)$/, "phone"],
  [/^version$/, "version"],
  [/^(language|lang|locale)$/, "language"],
  [/^(name|author|creator|artist|character|username|owner|nickname)$/, "name"],
  [/^(title|headline|heading|subject)$/, "title"],
  [/^(hook|tagline|slogan|caption|teaser|cta|pitch)$/, "hook"],
  [/^(description|summary|explanation|reason|rationale|note|narrative|feedback|comment|arc|behavior|behaviour|moment|instruction|sentence)$/, "sentence"],
  [/^(text|content|body|story|script|message|response|answer|paragraph|transcript|narration|article)$/, "paragraph"],
  [/^prompt$/, "prompt"],
  [/^(location|place|setting|venue|background|scene|city)$/, "place"],
  [/^(mood|tone|energy|atmosphere|feel|warmth|intensity|texture|vibe|quality|contrast|speed|level|strength)$/, "adjective"],
  [/^(keyword|tag|topic|genre|category|type|kind|mode|style|label|element|instrument|sound|item|word|term|model|weather|lighting|format)$/, "word"],
];

/** The kind of text a field holds: from its name (last word first), then from its description. */
export function kindOf(name: string | undefined, description: unknown): TextKind {
  const words = name ? tokens(name) : [];
  if (words.includes("negative") && words.includes("prompt")) return "negativePrompt";
  if (words.join(" ").includes("time of day")) return "timeOfDay";
  if (words.at(-1) === "at" && words.length > 1) return "dateTime"; // created_at, updated_at
  for (const word of [...words].reverse()) {
    for (const [pattern, kind] of TOKEN_KINDS) if (pattern.test(word)) return kind;
  }
  if (typeof description === "string") {
    for (const word of tokens(description)) {
      for (const [pattern, kind] of TOKEN_KINDS) if (pattern.test(word)) return kind;
    }
  }
  return "phrase";
}

const codePoints = (text: string) => [...text];

/** `text` lengthened with more of its kind to `min`, then cut (at a word if it can) to `max` code points. */
function fit(text: string, min: number, max: number, more: () => string): string {
  const parts = [text];
  let length = codePoints(text).length;
  while (length < min) {
    const next = more();
    parts.push(next);
    length += 1 + codePoints(next).length;
  }
  const whole = parts.join(" ");
  if (length <= max) return whole;
  const cut = codePoints(whole).slice(0, max).join("");
  const atWord = cut
    .slice(0, cut.lastIndexOf(" "))
    .replace(/(\s+(the|a|an|and|of|in|at|to|by|with))+$/i, "")
    .replace(/[\s,;:]+$/, "");
  return codePoints(atWord).length >= Math.max(min, 1) && atWord.length > 0 ? atWord : cut;
}

function typesOf(schema: Schema): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === "string");
  return [];
}

/** A string schema whose value the faker made up freely (no enum/const/format/pattern, no alternatives). */
function isPlainString(schema: Schema): boolean {
  const types = typesOf(schema).filter((t) => t !== "null");
  if (types.length !== 1 || types[0] !== "string") return false;
  for (const key of ["enum", "const", "format", "pattern", "anyOf", "oneOf", "allOf", "not", "if", "$ref", "contentEncoding", "contentMediaType"]) {
    if (schema[key] !== undefined) return false;
  }
  return true;
}

function plausibleString(schema: Schema, name: string | undefined, random: RandomSource): string | undefined {
  const min = typeof schema.minLength === "number" ? Math.max(0, Math.ceil(schema.minLength)) : 0;
  const max = typeof schema.maxLength === "number" ? Math.floor(schema.maxLength) : Infinity;
  if (min > max) return undefined;
  if (max === 0) return "";
  const examples = Array.isArray(schema.examples) ? schema.examples.filter((e): e is string => typeof e === "string" && codePoints(e).length >= min && codePoints(e).length <= max) : [];
  if (examples.length > 0) return examples[Math.floor(random() * examples.length)];
  const kind = kindOf(name ?? (typeof schema.title === "string" ? schema.title : undefined), schema.description);
  return fit(textOf(kind, random), Math.max(min, 1), max, () => textOf(kind === "title" || kind === "name" ? "phrase" : kind, random));
}

class Walker {
  constructor(
    private readonly root: unknown,
    private readonly random: RandomSource,
  ) {}

  /** Follows local `$ref`s (a few hops); undefined when one does not resolve. */
  private resolve(schema: unknown): Schema | undefined {
    let node = schema;
    for (let hops = 0; hops < 8 && isObject(node) && typeof node.$ref === "string"; hops++) {
      const ref = node.$ref;
      const keys = ref.startsWith("#") ? parseJsonPointer(decodeURIComponent(ref.slice(1))) : undefined;
      if (keys === undefined) return undefined;
      let target: unknown = this.root;
      for (const key of keys) target = isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[key] : undefined;
      node = target;
    }
    return isObject(node) && typeof node.$ref !== "string" ? node : undefined;
  }

  /** The schema of property `key`: this level's `properties`, then `allOf` parts', then `additionalProperties`. */
  private propertySchema(schema: Schema, key: string): unknown {
    const own = isObject(schema.properties) && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (own !== undefined) return own;
    if (Array.isArray(schema.allOf)) {
      for (const part of schema.allOf) {
        const resolved = this.resolve(part);
        if (resolved && isObject(resolved.properties) && Object.hasOwn(resolved.properties, key)) return undefined; // constrained twice: leave it
      }
    }
    if (isObject(schema.patternProperties) && Object.keys(schema.patternProperties).length > 0) return undefined;
    return isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  }

  walk(value: unknown, rawSchema: unknown, name: string | undefined, depth: number, used?: Set<string>): unknown {
    if (depth > MAX_DEPTH) return value;
    const schema = this.resolve(rawSchema);
    if (!schema) return value;
    if (typeof value === "string") {
      if (!isPlainString(schema)) return value;
      let next = plausibleString(schema, name, this.random);
      for (let i = 0; used && next !== undefined && used.has(next) && i < REDRAWS; i++) next = plausibleString(schema, name, this.random);
      if (next === undefined) return value;
      used?.add(next);
      return next;
    }
    if (Array.isArray(value)) {
      const itemName = name;
      const seen = new Set<string>();
      return value.map((item, i) => {
        const itemSchema = Array.isArray(schema.prefixItems) && i < schema.prefixItems.length ? schema.prefixItems[i] : Array.isArray(schema.items) ? schema.items[i] : schema.items;
        return this.walk(item, itemSchema, itemName, depth + 1, seen);
      });
    }
    if (isObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const next = this.walk(item, this.propertySchema(schema, key), key, depth + 1);
        Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }
}

/** Salt for the strings' own random source, so the faker's sequence (numbers, lengths) is unchanged. */
const STRING_SEED_SALT = 0x5eed_7e27;

/**
 * A copy of `value` (made for `schema`) with its freely made-up strings replaced by plausible ones,
 * deterministically for `seed`. The caller checks the result against the schema.
 */
export function withPlausibleStrings(value: unknown, schema: unknown, seed: number): unknown {
  return new Walker(schema, seededRandom((seed ^ STRING_SEED_SALT) >>> 0)).walk(value, schema, undefined, 0);
}
