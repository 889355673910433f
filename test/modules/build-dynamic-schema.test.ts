import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, type ExecutableModule } from "../../src/core/modules";
import { createTestContext } from "./helpers";

async function build(inputs: Record<string, unknown>) {
  const made = createTestContext();
  const out = await (getModule("transform.build_dynamic_schema") as ExecutableModule).execute(inputs, made.context);
  return { schema: out.merged_schema as Record<string, any>, logs: made.logs };
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

function groupSchema(properties: Record<string, unknown>, required: string[], root = "prompts") {
  return { type: "object", properties: { [root]: { type: "object", properties, required } } };
}

const MJ = groupSchema({ mj: { type: "string" }, shared: { type: "string", title: "from mj" } }, ["mj", "shared"]);
const SD = groupSchema({ sd: { type: "string" }, shared: { type: "string", title: "from sd" } }, ["sd", "shared"]);

describe("transform.build_dynamic_schema (modules.md 2.22)", () => {
  test("data + selected_indices, default wrapper: later groups win, required keeps duplicates", async () => {
    const data = { mj: { schema: MJ }, sd: { schema: SD }, none: { label: "no schema" } };
    const { schema, logs } = await build({ data, selected_indices: ["sd", "none", "mj", "missing"] });
    assert.deepEqual(schema, {
      type: "object",
      properties: {
        prompts: {
          type: "object",
          properties: { sd: { type: "string" }, shared: { type: "string", title: "from mj" }, mj: { type: "string" } },
          required: ["sd", "shared", "mj", "shared"],
          additionalProperties: false,
        },
      },
      required: ["prompts"],
      additionalProperties: false,
    });
    assert.ok(logs.some((log) => log.level === "warning" && log.message === "No schema for group 'none', skipping"));
  });

  test("schema_paths take precedence and need no data; list data uses int indices", async () => {
    const { schema } = await build({ schema_paths: { mj: MJ, sd: SD }, selected_indices: ["mj", "x"], root_property: "" });
    assert.deepEqual(Object.keys(schema.properties.prompts.properties), ["mj", "shared"]);
    const listed = await build({ data: [{ spec: SD }, { spec: MJ }], selected_indices: [1, 7], schema_key: "spec" });
    assert.deepEqual(listed.schema.properties.prompts.required, ["mj", "shared"]);
  });

  test("a custom root property and the legacy configs", async () => {
    const { schema } = await build({ selected_group_configs: { label: "one", schema: groupSchema({ a: {} }, ["a"], "fields") }, root_property: "fields" });
    assert.deepEqual(schema.properties.fields.properties, { a: {} });
    assert.deepEqual(schema.required, ["fields"]);
  });

  test("wrapper_schema: a deep copy whose root property gets properties and required replaced", async () => {
    const wrapper = { type: "object", properties: { prompts: { type: "object", properties: { old: {} }, required: ["old"], description: "d" } } };
    const { schema } = await build({ data: { mj: { schema: MJ } }, selected_indices: ["mj"], wrapper_schema: wrapper });
    assert.deepEqual(schema.properties.prompts, {
      type: "object",
      properties: { mj: { type: "string" }, shared: { type: "string", title: "from mj" } },
      required: ["mj", "shared"],
      description: "d",
    });
    assert.deepEqual(wrapper.properties.prompts.properties, { old: {} }, "the input is not touched");
  });

  test("a wrapper without the root property comes back unchanged (the merge is lost, as in the original)", async () => {
    const wrapper = { type: "object", properties: { other: { type: "string" } } };
    const { schema } = await build({ data: { mj: { schema: MJ } }, selected_indices: ["mj"], wrapper_schema: wrapper });
    assert.deepEqual(schema, wrapper);
  });

  test("nothing selected gives an empty merge", async () => {
    const { schema } = await build({});
    assert.deepEqual(schema.properties.prompts, { type: "object", properties: {}, required: [], additionalProperties: false });
  });

  test("unresolved schemas fail, wrapped once with one module prefix (ruling 11)", async () => {
    await assert.rejects(
      build({ schema_paths: { mj: "schemas/mj.json" }, selected_indices: ["mj"] }),
      failsWith(
        "Module 'transform.build_dynamic_schema' failed: Failed to build dynamic schema: schema_paths['mj'] must be a resolved schema object, not str. Use $ref to resolve.",
      ),
    );
    await assert.rejects(
      build({ data: { mj: { schema: ["x"] } }, selected_indices: ["mj"] }),
      failsWith(
        "Module 'transform.build_dynamic_schema' failed: Failed to build dynamic schema: group['schema'] must be a resolved schema object, not list. Use $ref to resolve.",
      ),
    );
  });

  test("a list index used as an object key is Python's unhashable TypeError", async () => {
    await assert.rejects(
      build({ data: { k: { schema: MJ } }, selected_indices: [["k", 0]] }),
      failsWith("Module 'transform.build_dynamic_schema' failed: Failed to build dynamic schema: unhashable type: 'list'"),
    );
  });
});
