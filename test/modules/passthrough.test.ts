import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type ExecutableModule, type InteractiveModule } from "../../src/core/modules";
import { ccModule, createTestContext, resolvedInputs, response } from "./helpers";

function failsWith(reason: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.reason === reason;
}

describe("transform.extract (modules.md 2.16)", () => {
  const extract = () => getModule("transform.extract") as ExecutableModule;

  test("returns every input not starting with _, unchanged; nulls are logged", async () => {
    const { context, logs } = createTestContext();
    const out = await extract().execute({ a: { b: [1] }, n: null, _hidden: 1 }, context);
    assert.deepEqual(out, { a: { b: [1] }, n: null });
    assert.ok(logs.some((entry) => entry.level === "warning" && entry.message.includes("'n': None")));
  });

  test("declares nothing, so validation always passes", () => {
    assert.deepEqual(validateInputs(extract(), {}), { ok: true });
  });

  test("cc store_selected_scene passes its resolved value through", async () => {
    const scene = { title: "Nap" };
    const out = await extract().execute(resolvedInputs(ccModule("store_selected_scene"), { selected_scene: scene }), createTestContext().context);
    assert.deepEqual(out.selected_scene, scene);
  });
});

describe("io.render_template (modules.md 2.12)", () => {
  const render = () => getModule("io.render_template") as ExecutableModule;

  test("passes the engine-rendered template through, non-strings too", async () => {
    assert.deepEqual(await render().execute({ template: "Hello" }, createTestContext().context), { rendered: "Hello" });
    assert.deepEqual(await render().execute({ template: { a: 1 } }, createTestContext().context), { rendered: { a: 1 } });
  });

  test("a template that resolved to null or a number fails on len()", async () => {
    await assert.rejects(render().execute({ template: null }, createTestContext().context), failsWith("Failed to process template: object of type 'NoneType' has no len()"));
    await assert.rejects(render().execute({ template: 3 }, createTestContext().context), failsWith("Failed to process template: object of type 'int' has no len()"));
  });
});

describe("io.client_write (modules.md 2.15)", () => {
  const clientWrite = () => getModule("io.client_write") as InteractiveModule;

  test("text: a file_download request with str() content", async () => {
    const { context } = createTestContext();
    const request = (await clientWrite().getInteractionRequest({ content: { a: true }, filename: "out.txt" }, context))!;
    assert.match(request.interaction_id, /^file_download_[0-9a-f]{32}$/);
    assert.equal(request.interaction_type, "file_download");
    assert.equal(request.title, "Writing out.txt to project folder");
    assert.equal(request.file_content, "{'a': True}");
    assert.equal(request.file_name, "out.txt");
    assert.equal(request.file_content_type, "text");
    assert.equal(request.file_destination, "root");
    assert.deepEqual(request.context, { module_id: "io.client_write", step_id: "step_under_test" });
  });

  test("json: a .json filename parses string content when it can", async () => {
    const { context } = createTestContext();
    const parsed = (await clientWrite().getInteractionRequest({ content: '{"a": 1}', filename: "x.json", destination: "ws" }, context))!;
    assert.deepEqual(parsed.file_content, { a: 1 });
    assert.equal(parsed.file_content_type, "json");
    assert.equal(parsed.file_destination, "ws");
    const kept = (await clientWrite().getInteractionRequest({ content: "not json", filename: "x.txt", format: "json" }, context))!;
    assert.equal(kept.file_content, "not json");
  });

  test("answers: written, cancelled, failed", async () => {
    const inputs = resolvedInputs(ccModule("write_summary_file"), { content: "Summary" });
    const { context } = createTestContext();
    const out = await clientWrite().executeWithResponse(inputs, context, response({ file_written: true, file_path: "/p/summary.txt" }));
    assert.deepEqual(out, { file_path: "/p/summary.txt", filename: inputs.filename, success: true });
    await assert.rejects(clientWrite().executeWithResponse(inputs, context, response({ cancelled: true })), failsWith(`File write cancelled: ${inputs.filename}`));
    await assert.rejects(
      clientWrite().executeWithResponse(inputs, context, response({ file_written: false })),
      failsWith(`Failed to write file ${inputs.filename}: Unknown error`),
    );
    await assert.rejects(
      clientWrite().executeWithResponse(inputs, context, response({ file_written: false, file_error: "disk full" })),
      failsWith(`Failed to write file ${inputs.filename}: disk full`),
    );
  });

  test("content and filename are required", () => {
    assert.deepEqual(validateInputs(clientWrite(), { content: "" }), { ok: false, inputName: "filename", message: "Required input 'filename' missing" });
  });
});
