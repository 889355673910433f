import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext } from "./helpers";

async function enrich(data: unknown, enrichments: unknown, mappingSchema: unknown) {
  const made = createTestContext();
  const out = await (getModule("transform.enrich") as ExecutableModule).execute({ data, enrichments, mapping_schema: mappingSchema }, made.context);
  return { enriched: out.enriched_data as any, logs: made.logs };
}

function failsWith(reason: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === `Module 'transform.enrich' failed: ${reason}`;
}

const SUMMARY = { type: "enrichment_map", document_data_id_field: "id", enrichment_data_id_field: "id", source_field: "generated_summary" };

/** The original's docstring example: aesthetics with ideas, both enriched by id. */
const SCHEMA = {
  type: "object",
  properties: {
    aesthetic_concepts: {
      type: "array",
      items: {
        type: "object",
        properties: {
          aesthetic_quick_summary: SUMMARY,
          ideas: { type: "array", items: { type: "object", properties: { idea_quick_summary: SUMMARY } } },
        },
      },
    },
  },
};

function data() {
  return {
    aesthetic_concepts: [
      { id: 1, name: "A", ideas: [{ id: "1_1" }, { id: "1_2" }] },
      { id: "2", name: "B", ideas: [] },
    ],
  };
}

const ENRICHMENTS = [
  { id: "1", generated_summary: "Aesthetic one" },
  { id: 2, generated_summary: { text: "Aesthetic two" } },
  { id: "1_1", generated_summary: "Idea 1_1" },
  { id: "1_2", generated_summary: null },
  "not an object",
];

describe("transform.enrich (modules.md 2.21)", () => {
  test("fills every enrichment_map leaf of a deep copy; ids match by str() (1 and '1' collide)", async () => {
    const input = data();
    const { enriched } = await enrich(input, ENRICHMENTS, SCHEMA);
    assert.deepEqual(enriched, {
      aesthetic_concepts: [
        {
          id: 1,
          name: "A",
          ideas: [
            { id: "1_1", idea_quick_summary: "Idea 1_1" },
            { id: "1_2", idea_quick_summary: null },
          ],
          aesthetic_quick_summary: "Aesthetic one",
        },
        { id: "2", name: "B", ideas: [], aesthetic_quick_summary: { text: "Aesthetic two" } },
      ],
    });
    assert.deepEqual(input, data(), "the input is not touched");
  });

  test("a root array: paths read [0].ideas[1].s", async () => {
    const schema = { type: "array", items: { type: "object", properties: { ideas: { type: "array", items: { type: "object", properties: { s: SUMMARY } } } } } };
    await assert.rejects(
      enrich([{ ideas: [{ id: "a" }, { id: "b" }] }], [{ id: "a", generated_summary: 1 }], schema),
      failsWith("Data objects missing enrichment: ['[0].ideas[1].s (id=b)']"),
    );
  });

  test("unused enrichments are listed, string-sorted, as a Python list", async () => {
    const enrichments = [...ENRICHMENTS, { id: 10, generated_summary: "x" }, { id: 9, generated_summary: "y" }];
    await assert.rejects(enrich(data(), enrichments, SCHEMA), failsWith("Unused enrichment IDs for 'id' (no match in data): ['10', '9']"));
  });

  test("duplicate ids (after str()) fail", async () => {
    await assert.rejects(
      enrich(data(), [{ id: 1, generated_summary: "a" }, { id: "1", generated_summary: "b" }], SCHEMA),
      failsWith("Duplicate enrichment ID for field 'id': 1"),
    );
  });

  test("mapping errors: missing settings, missing document id, missing source field", async () => {
    const incomplete = { type: "object", properties: { s: { type: "enrichment_map", document_data_id_field: "id" } } };
    await assert.rejects(
      enrich({ id: 1 }, [], incomplete),
      failsWith("enrichment_map at s missing required fields (document_data_id_field, enrichment_data_id_field, source_field)"),
    );
    const flat = { type: "object", properties: { s: SUMMARY } };
    await assert.rejects(enrich({ id: null }, [], flat), failsWith("Missing document_data_id_field 'id' at "));
    await assert.rejects(enrich({ id: 3 }, [{ id: 3, other: 1 }], flat), failsWith("Enrichment for id=3 missing source field 'generated_summary'"));
  });

  test("input checks", async () => {
    await assert.rejects(enrich({}, { id: 1 }, SCHEMA), failsWith("enrichments must be an array"));
    await assert.rejects(enrich({}, [], ["x"]), failsWith("mapping_schema must be an object"));
  });

  test("a node of the wrong shape only logs a warning; properties absent from the data are skipped", async () => {
    const { enriched, logs } = await enrich({ aesthetic_concepts: "oops" }, [], SCHEMA);
    assert.deepEqual(enriched, { aesthetic_concepts: "oops" });
    assert.ok(logs.some((log) => log.level === "warning" && log.message === "Expected array at aesthetic_concepts, got str"));
    assert.deepEqual((await enrich({ other: 1 }, [], SCHEMA)).enriched, { other: 1 });
  });

  test("other failures are wrapped", async () => {
    await assert.rejects(enrich({}, [], { type: "object", properties: { a: "text" } }), failsWith("Failed to enrich data: 'str' object has no attribute 'get'"));
  });
});
