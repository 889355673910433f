/**
 * Plausible mock strings (issue 12): field-appropriate text instead of lorem ipsum, still valid against
 * the schema (checked with Ajv over many seeds) and still deterministic per (schema, seed).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Ajv from "ajv";
import { generateMockFromSchema } from "../../src/core/mock/schema-mock";
import { kindOf } from "../../src/core/mock/plausible-strings";

const LOREM = /\b(lorem|ipsum|dolor|consectetur|adipiscing|eiusmod|tempor|incididunt|labore|magna|aliqua|laborum|culpa|reprehenderit)\b/i;
const SEEDS = Array.from({ length: 150 }, (_, i) => i * 7919 + 1);

const STORY_SCHEMA = {
  type: "object",
  required: ["title", "hook", "keywords", "author", "url"],
  properties: {
    title: { type: "string" },
    hook: { type: "string" },
    keywords: { type: "array", items: { type: "string" }, uniqueItems: true },
    author: { type: "string" },
    url: { type: "string" },
    contact_email: { type: "string" },
    emojis: { type: "string" },
    summary: { type: "string", maxLength: 60 },
    short: { type: "string", minLength: 2, maxLength: 3 },
    long_text: { type: "string", minLength: 300 },
    code: { type: "string", pattern: "^[A-Z]{3}-\\d{2}$" },
    published: { type: "string", format: "date" },
    mood: { type: "string", enum: ["calm", "wild"] },
    tagline: { type: ["string", "null"], examples: ["Paws first, questions later", "x".repeat(500)], maxLength: 100 },
    caption: { type: "string", description: "A catchy hook for the post" },
    scenes: { type: "array", items: { $ref: "#/$defs/scene" } },
    extra: { type: "object", additionalProperties: { type: "string" } },
    n: { type: "integer" },
  },
  $defs: {
    scene: {
      type: "object",
      properties: { scene_title: { type: "string" }, setting: { type: "string" }, image_prompt: { type: "string" }, negative_prompt: { type: "string" } },
      required: ["scene_title"],
    },
  },
} as const;

type Story = {
  title: string;
  hook: string;
  keywords: string[];
  author: string;
  url: string;
  contact_email: string;
  emojis: string;
  summary: string;
  short: string;
  long_text: string;
  code: string;
  published: string;
  mood: string;
  tagline: string | null;
  caption: string;
  scenes: Array<{ scene_title: string; setting: string; image_prompt: string; negative_prompt: string }>;
  n: number;
};

const points = (text: string) => [...text].length;

describe("plausible mock strings", () => {
  const validate = new Ajv({ strict: false, validateFormats: false }).compile(STORY_SCHEMA);
  const values = SEEDS.map((seed) => generateMockFromSchema(STORY_SCHEMA, seed) as Story);

  it("stay valid against the schema over many seeds (lengths, uniqueItems, pattern, enum, $ref)", () => {
    for (const [i, value] of values.entries()) assert.ok(validate(value), `seed ${SEEDS[i]}: ${JSON.stringify(validate.errors)} ${JSON.stringify(value)}`);
  });

  it("are the same for the same (schema, seed) and differ between seeds", () => {
    assert.deepEqual(generateMockFromSchema(STORY_SCHEMA, SEEDS[3]), values[3]);
    assert.ok(new Set(values.map((v) => v.title)).size > 20, "titles vary with the seed");
    assert.ok(new Set(values.map((v) => v.author)).size > 20, "names vary with the seed");
  });

  it("fit their field: a title, a hook sentence, keyword words, a name, a URL, an email, emojis", () => {
    for (const value of values) {
      assert.match(value.title, /^[A-Z][a-z]+( ([A-Z][a-z]+|the|a|over|under|beside|after|before|with))+$/, value.title);
      assert.match(value.hook, /^[A-Z].*[!.…]$/, value.hook);
      assert.ok(value.hook.split(" ").length >= 5, value.hook);
      for (const keyword of value.keywords) assert.match(keyword, /^[a-z]+$/, keyword);
      assert.equal(new Set(value.keywords).size, value.keywords.length);
      assert.match(value.author, /^[A-Z][a-z]+ [A-Z][a-z]+$/, value.author);
      assert.equal(new URL(value.url).protocol, "https:");
      assert.match(value.contact_email, /^[a-z]+\.[a-z]+@example\.com$/);
      assert.match(value.emojis, /^\p{Extended_Pictographic}/u);
      assert.match(value.caption, /^[A-Z].*[!.…]$/, "a description that says 'hook' gives a hook");
      for (const scene of value.scenes) {
        assert.match(scene.scene_title, /^[A-Z]/);
        assert.match(scene.setting, /^(a|an) [a-z]/);
        assert.match(scene.image_prompt, /, /);
        assert.match(scene.negative_prompt, /^[a-z ]+, [a-z ]+$/);
      }
      for (const text of [value.title, value.hook, value.author, value.summary, value.long_text, value.caption, ...value.keywords]) assert.doesNotMatch(text, LOREM);
    }
  });

  it("respect minLength/maxLength with whole words where they can", () => {
    for (const value of values) {
      assert.ok(points(value.summary) <= 60 && points(value.summary) >= 1, value.summary);
      assert.doesNotMatch(value.summary, /\s$/);
      assert.ok(points(value.short) >= 2 && points(value.short) <= 3, value.short);
      assert.ok(points(value.long_text) >= 300, value.long_text);
      assert.match(value.long_text, /^[A-Z].*\.$/s);
    }
  });

  it("reach a large minLength by whole sentences (linear in the length)", () => {
    const value = generateMockFromSchema({ type: "object", required: ["text"], properties: { text: { type: "string", minLength: 200_000 } } }, 5) as { text: string };
    assert.ok(points(value.text) >= 200_000);
    assert.doesNotMatch(value.text.slice(0, 1000), LOREM);
  });

  it("take the schema's examples when they fit; keep the faker's values for pattern, format and enum", () => {
    for (const value of values) {
      if (value.tagline !== null) assert.equal(value.tagline, "Paws first, questions later");
      assert.match(value.code, /^[A-Z]{3}-\d{2}$/);
      assert.match(value.published, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(["calm", "wild"].includes(value.mood));
    }
  });

  it("keep the faker's value when the replaced one breaks a rule the walker does not read", () => {
    // Titles start upper-case; this schema forbids that through an object-level `not`.
    const schema = { type: "object", required: ["title"], properties: { title: { type: "string" } }, not: { properties: { title: { pattern: "^[A-Z]" } } } };
    const check = new Ajv({ strict: false }).compile(schema);
    for (const seed of SEEDS.slice(0, 20)) {
      const value = generateMockFromSchema(schema, seed);
      assert.ok(check(value), JSON.stringify(value));
    }
  });

  it("leave strings alone where two schemas constrain them (allOf) ", () => {
    const schema = { type: "object", required: ["title"], properties: { title: { type: "string" } }, allOf: [{ properties: { title: { maxLength: 2 } } }] };
    const check = new Ajv({ strict: false }).compile(schema);
    for (const seed of SEEDS.slice(0, 20)) assert.ok(check(generateMockFromSchema(schema, seed)));
  });
});

describe("the kind of a string field", () => {
  it("reads the property name (last word first, snake or camel case, plural), then the description", () => {
    assert.equal(kindOf("sceneTitle", undefined), "title");
    assert.equal(kindOf("image_url", undefined), "url");
    assert.equal(kindOf("keywords", undefined), "word");
    assert.equal(kindOf("pet_name", undefined), "name");
    assert.equal(kindOf("hook", undefined), "hook");
    assert.equal(kindOf("created_at", undefined), "dateTime");
    assert.equal(kindOf("time_of_day", undefined), "timeOfDay");
    assert.equal(kindOf("negative_prompt", undefined), "negativePrompt");
    assert.equal(kindOf("set_description", undefined), "sentence");
    assert.equal(kindOf("x", "The hashtag to post with"), "hashtag");
    assert.equal(kindOf("value", undefined), "phrase");
    assert.equal(kindOf(undefined, undefined), "phrase");
  });
});
