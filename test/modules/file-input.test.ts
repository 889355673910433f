import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type InteractiveModule } from "../../src/core/modules";
import { posixExtension, posixNormpath } from "../../src/core/modules/user/file-input";
import { execute } from "../../src/core/virtual";
import { createTestContext, response } from "./helpers";

function fileInput(): InteractiveModule {
  return getModule("user.file_input") as InteractiveModule;
}

function failsWith(message: string) {
  return (error: unknown) => error instanceof ModuleExecutionError && error.message === message;
}

const PNG = "data:image/png;base64,iVBORw0KGgo=";

describe("user.file_input interaction request (modules.md 2.5)", () => {
  test("file_input with custom answers allowed, jump-back extra options, extensions for display", async () => {
    const { context } = createTestContext();
    const inputs = {
      prompt: "Reference image?",
      extensions: [".png", ".JPG"],
      retry_options: { pick_scene: { description: "Scene selection" }, ideas: "Idea list", bare: { other: 1 } },
    };
    const request = (await fileInput().getInteractionRequest(inputs, context))!;
    assert.match(request.interaction_id, /^file_input_[0-9a-f]{32}$/);
    assert.equal(request.interaction_type, "file_input");
    assert.equal(request.title, "Reference image?");
    assert.deepEqual(request.options, []);
    assert.equal(request.min_selections, 0);
    assert.equal(request.max_selections, 0);
    assert.equal(request.allow_custom, true);
    assert.deepEqual(request.extra_options, [
      { id: "jump_pick_scene", label: "Scene selection", description: "Jump back to Scene selection", metadata: { action: "jump_back", target: "pick_scene" } },
      { id: "jump_ideas", label: "Idea list", description: "Jump back to Idea list", metadata: { action: "jump_back", target: "ideas" } },
      { id: "jump_bare", label: "bare", description: "Jump back to bare", metadata: { action: "jump_back", target: "bare" } },
    ]);
    assert.deepEqual(request.display_data, { extensions: [".png", ".JPG"] });
    assert.deepEqual(request.context, { extensions: [".png", ".JPG"], retry_options: inputs.retry_options }, "no module_id, as in the original");
  });

  test("defaults: no extensions, no extra options; prompt is required", async () => {
    const { context } = createTestContext();
    const request = (await fileInput().getInteractionRequest({ prompt: "File?" }, context))!;
    assert.deepEqual(request.extra_options, []);
    assert.deepEqual(request.display_data, { extensions: null });
    assert.deepEqual(request.context, { extensions: null, retry_options: {} });
    assert.deepEqual(validateInputs(fileInput(), {}), { ok: false, inputName: "prompt", message: "Required input 'prompt' missing" });
  });
});

describe("user.file_input response handling (modules.md 2.5)", () => {
  async function answer(inputs: Record<string, unknown>, fields: Parameters<typeof response>[0], services: Record<string, unknown> = {}) {
    const { context } = createTestContext({ services });
    return fileInput().executeWithResponse({ prompt: "p", ...inputs }, context, response(fields));
  }

  test("a data URL is the value; the file name is uploaded_file", async () => {
    assert.deepEqual(await answer({}, { value: PNG }), { value: PNG, filename: "uploaded_file", jump_back_requested: false, jump_back_target: "" });
    assert.equal((await answer({}, { value: null, custom_value: PNG })).value, PNG, "custom_value is the fallback");
  });

  test("a named data URL (the panel's answer: the name in file_path) keeps the file's name (ruling 12)", async () => {
    assert.deepEqual(await answer({}, { value: PNG, file_path: "rex.png" }), { value: PNG, filename: "rex.png", jump_back_requested: false, jump_back_target: "" });
    assert.equal((await answer({}, { value: PNG, file_path: "art/dogs/rex.png" })).filename, "rex.png");
  });

  test("the data URL's mime type is checked against the extensions, case-insensitively; unknown mime types pass", async () => {
    assert.equal((await answer({ extensions: [".PNG"] }, { value: PNG })).value, PNG);
    await assert.rejects(
      answer({ extensions: [".png", ".gif"] }, { value: "data:image/jpeg;base64,/9j/" }),
      failsWith("Module 'user.file_input' failed: Invalid file type: .jpg. Allowed: .png, .gif"),
    );
    const pdf = "data:application/pdf;base64,JVBERi0=";
    assert.equal((await answer({ extensions: [".png"] }, { value: pdf })).value, pdf);
  });

  test("jump-back sends the option's real target (ruling 12)", async () => {
    const option = { id: "jump_pick_scene", label: "Scene", metadata: { action: "jump_back", target: "pick_scene" } };
    assert.deepEqual(await answer({}, { selected_options: [option], value: PNG }), {
      value: "",
      filename: "",
      jump_back_requested: true,
      jump_back_target: "pick_scene",
    });
  });

  test("no answer fails; cancel is not checked (as in the original)", async () => {
    await assert.rejects(answer({}, { value: "" }), failsWith("Module 'user.file_input' failed: No file path provided"));
    assert.equal((await answer({}, { cancelled: true, value: PNG })).value, PNG);
  });

  test("a non-string answer fails as Python's .startswith does", async () => {
    await assert.rejects(answer({}, { value: { path: "x" } }), (error: unknown) => error instanceof TypeError && error.message === "'dict' object has no attribute 'startswith'");
  });

  test("a path answer is checked through the host's stat_path, relative to its project folder", async () => {
    const files: Record<string, "file" | "directory"> = { "/work/proj/img/cat.png": "file", "/work/proj/img": "directory", "/work/proj/notes.txt": "file" };
    const services = { project_folder: "/work/proj", stat_path: (path: string) => files[path] ?? null };
    assert.deepEqual(await answer({ extensions: [".PNG"] }, { value: "img/./x/../cat.png" }, services), {
      value: "/work/proj/img/cat.png",
      filename: "cat.png",
      jump_back_requested: false,
      jump_back_target: "",
    });
    await assert.rejects(answer({}, { value: "img" }, services), failsWith("Module 'user.file_input' failed: Path is not a file: /work/proj/img"));
    await assert.rejects(answer({}, { value: "/elsewhere/a.png" }, services), failsWith("Module 'user.file_input' failed: File not found: /elsewhere/a.png"));
    await assert.rejects(
      answer({ extensions: [".png", ".jpg"] }, { value: "notes.txt" }, services),
      failsWith("Module 'user.file_input' failed: Invalid file type: .txt. Allowed: .png, .jpg"),
    );
  });

  test("without a host file lookup a path is not found", async () => {
    await assert.rejects(answer({}, { value: "cat.png" }), failsWith("Module 'user.file_input' failed: File not found: /cat.png"));
  });

  test("Python's normpath and splitext", () => {
    assert.equal(posixNormpath("/a//b/./c/../d/"), "/a/b/d");
    assert.equal(posixNormpath("a/../../b"), "../b");
    assert.equal(posixNormpath("/../x"), "/x");
    assert.equal(posixNormpath("//x"), "//x");
    assert.equal(posixNormpath(""), ".");
    assert.equal(posixExtension("/a/b.tar.gz"), ".gz");
    assert.equal(posixExtension("/a/.bashrc"), "");
    assert.equal(posixExtension("/a/..x"), "");
    assert.equal(posixExtension("/a.b/c"), "");
    assert.equal(posixExtension("/a/b."), ".");
  });
});

describe("user.file_input through execute()", () => {
  const workflow = {
    workflow_id: "files",
    name: "Files",
    steps: [
      { step_id: "s0", name: "S0", modules: [{ module_id: "user.text_input", name: "ask", inputs: { prompt: "Topic?" } }] },
      {
        step_id: "s1",
        name: "S1",
        modules: [
          {
            module_id: "user.file_input",
            name: "reference",
            inputs: { prompt: "Image?", extensions: [".png"], retry_options: { ask: { description: "Ask again" } } },
            outputs_to_state: { value: "reference_image" },
            retryable: { options: [{ id: "ask", mode: "jump", target_module: "ask", target_step: "s0" }] },
          },
        ],
      },
    ],
  };

  test("asks, then a data URL answer completes it", async () => {
    const first = await execute({ workflow, target_step_id: "s1", target_module_name: "reference" });
    assert.equal(first.status, "awaiting_input", first.error);
    assert.equal(first.interaction_request!.interaction_type, "file_input");
    assert.equal(first.interaction_request!.extra_options[0]!.id, "jump_ask");
    // Every field of the request, the form ones included (ruling 7).
    for (const field of ["form_schema", "form_type", "form_defaults", "allow_custom", "min_selections", "display_data"]) assert.ok(field in first.interaction_request!, field);
    const done = await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: "s1", target_module_name: "reference", response: { value: PNG } });
    assert.equal(done.status, "completed", done.error);
    assert.equal(done.result.state?.reference_image, PNG);
  });

  test("the panel's answer (value + file_path, no custom_value) completes it and names the file (issue 12.1)", async () => {
    const first = await execute({ workflow, target_step_id: "s1", target_module_name: "reference" });
    const response = { value: PNG, file_path: "rex.png" };
    const done = await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: "s1", target_module_name: "reference", response });
    assert.equal(done.status, "completed", done.error);
    assert.equal((done.result.state?.reference as Record<string, unknown>).filename, "rex.png");
    // A custom_value without a pick stays the engine's retry shortcut (engine.md §4.4), as before.
    const retried = await execute({ workflow, virtual_db: first.result.virtual_db, target_step_id: "s1", target_module_name: "reference", response: { ...response, custom_value: "rex.png" } });
    assert.equal(retried.status, "error");
  });

  test("the jump-back option jumps to its target module (ruling 12), where the next interaction waits", async () => {
    const first = await execute({ workflow, target_step_id: "s1", target_module_name: "reference" });
    const option = first.interaction_request!.extra_options[0]!;
    const jumped = await execute({
      workflow,
      virtual_db: first.result.virtual_db,
      target_step_id: "s1",
      target_module_name: "reference",
      response: { selected_options: [option as unknown as Record<string, unknown>] },
    });
    assert.equal(jumped.status, "awaiting_input", jumped.error);
    assert.equal(jumped.progress?.current_module, "ask");
    assert.equal(jumped.interaction_request!.title, "Topic?");
  });
});
