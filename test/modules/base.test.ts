import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createVirtualDb } from "../../src/core/db";
import { isWfvError } from "../../src/core/errors";
import {
  createModuleDb,
  createStateProxy,
  getInputValue,
  makeInteractionResponse,
  ModuleExecutionError,
  sanitizeErrorMessage,
  validateInputs,
  type ModuleInputDecl,
} from "../../src/core/modules";

const declared = {
  moduleId: "test.module",
  inputs: [
    { name: "needed", type: "string", required: true },
    { name: "optional", type: "string", required: false, default: "fallback" },
    { name: "no_default", type: "array", required: false },
  ] satisfies ModuleInputDecl[],
};

describe("validateInputs (modules.md 1.2)", () => {
  test("checks only that each required input's key is present", () => {
    assert.deepEqual(validateInputs(declared, { needed: "x" }), { ok: true });
    // Null and empty values pass: only the key matters.
    assert.deepEqual(validateInputs(declared, { needed: null }), { ok: true });
    assert.deepEqual(validateInputs(declared, { needed: "" }), { ok: true });
  });

  test("a missing required key gives the original's message", () => {
    assert.deepEqual(validateInputs(declared, { optional: "y" }), {
      ok: false,
      inputName: "needed",
      message: "Required input 'needed' missing",
    });
  });
});

describe("getInputValue (modules.md 1.2)", () => {
  test("a present key wins, even when null; an absent one gives the default", () => {
    assert.equal(getInputValue(declared, { optional: "given" }, "optional"), "given");
    assert.equal(getInputValue(declared, { optional: null }, "optional"), null);
    assert.equal(getInputValue(declared, {}, "optional"), "fallback");
    assert.equal(getInputValue(declared, {}, "no_default"), null);
  });

  test("an undeclared name gives the value or null", () => {
    assert.equal(getInputValue(declared, { other: 3 }, "other"), 3);
    assert.equal(getInputValue(declared, {}, "other"), null);
  });
});

describe("ModuleExecutionError (modules.md 1.3, ruling 11)", () => {
  test("carries one prefix, the bare reason and a machine-readable type", () => {
    const cause = new Error("boom");
    const error = new ModuleExecutionError("user.select", "User cancelled selection", cause);
    assert.equal(error.message, "Module 'user.select' failed: User cancelled selection");
    assert.equal(error.reason, "User cancelled selection");
    assert.equal(error.moduleId, "user.select");
    assert.equal(error.originalError, cause);
    assert.ok(isWfvError(error));
    assert.equal(error.errorType, "execution_failed");
    assert.deepEqual(error.details, { module_id: "user.select", reason: "User cancelled selection" });
  });
});

describe("sanitizeErrorMessage (modules.md 1.3)", () => {
  test("masks API keys, api_key values and home folders", () => {
    assert.equal(sanitizeErrorMessage("bad key sk-abcdefghijklmnopqrstuvwxyz123"), "bad key [API_KEY_REDACTED]");
    assert.equal(sanitizeErrorMessage("url?api_key=secret123&x=1"), "url?api_key=[REDACTED]&x=1");
    assert.equal(sanitizeErrorMessage("header api-key: abc"), "header api_key=[REDACTED]");
    assert.equal(sanitizeErrorMessage("at /home/alice/project/x.py"), "at /home/[USER]/project/x.py");
    assert.equal(sanitizeErrorMessage("at /Users/bob/x"), "at /Users/[USER]/x");
    assert.equal(sanitizeErrorMessage("at C:\\Users\\carol\\x"), "at C:\\Users\\[USER]\\x");
    assert.equal(sanitizeErrorMessage("short sk-abc stays"), "short sk-abc stays");
  });
});

describe("StateProxy", () => {
  test("reads and writes the live working state", () => {
    const state: Record<string, unknown> = { a: 1, nothing: null };
    const proxy = createStateProxy(state, { step_id: "s1", name: "Step" });
    assert.equal(proxy.get("a"), 1);
    assert.equal(proxy.get("nothing", "d"), null);
    assert.equal(proxy.get("missing", "d"), "d");
    assert.equal(proxy.get("missing"), null);
    proxy.set("b", [1]);
    assert.deepEqual(state.b, [1]);
    assert.ok(proxy.has("b"));
    proxy.delete("a");
    assert.equal(proxy.has("a"), false);
    const copy = proxy.getAllState();
    copy.c = 1;
    assert.equal(state.c, undefined);
    assert.deepEqual(proxy.getStepConfig(), { step_id: "s1", name: "Step" });
  });
});

describe("makeInteractionResponse", () => {
  test("fills every field the modules read with the engine's defaults", () => {
    const filled = makeInteractionResponse({ interaction_id: "i", value: "x" });
    assert.equal(filled.value, "x");
    assert.deepEqual(filled.selected_indices, []);
    assert.equal(filled.cancelled, false);
    assert.equal(filled.retry_feedback, "");
    assert.equal(filled.jump_back_target, "");
    assert.equal(filled.custom_value, null);
  });
});

describe("context.db config look-ups (modules.md 1.7)", () => {
  test("query schema, one table schema, and all table schemas through the aggregate", () => {
    const db = createVirtualDb();
    const moduleDb = createModuleDb(db);
    assert.equal(moduleDb.getQuerySchema(), null);
    assert.equal(moduleDb.getTableSchema("users"), null);
    assert.deepEqual(moduleDb.getAllTableSchemas(), {});

    db.collection("config").insertMany([
      { type: "db.query", name: "query_schema", value: { tables: ["users"] } },
      { type: "db.table_schema", name: "users", value: { fields: ["a"] } },
      { type: "db.table_schema", name: "events", value: { fields: ["b"] } },
      { type: "other", name: "x", value: 1 },
    ]);
    assert.deepEqual(moduleDb.getQuerySchema(), { tables: ["users"] });
    assert.deepEqual(moduleDb.getTableSchema("events"), { fields: ["b"] });
    assert.deepEqual(moduleDb.getAllTableSchemas(), { users: { fields: ["a"] }, events: { fields: ["b"] } });
  });

  test("a repository call nobody provided fails loudly", () => {
    const moduleDb = createModuleDb(createVirtualDb());
    assert.throws(() => moduleDb.getContentById("x"), /getContentById is not available/);
  });
});
