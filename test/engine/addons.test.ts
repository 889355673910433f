/** Addons on user.select run through the engine: items decorated on ask, the pick recorded on answer. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtualSession } from "../../src/core/virtual";
import { loadCcWorkflow } from "./fixtures";

test("usage_history decorates the options and records the pick in the virtual DB", async () => {
  const workflow = loadCcWorkflow() as { steps: Array<{ modules: Array<Record<string, unknown>> }> };
  workflow.steps[0].modules[0].addons = [{ addon_id: "addons.usage_history", inputs: { track_key_format: "{id}" } }];
  const session = VirtualSession.open(null);
  const target = { step_id: "user_input", module_name: "select_pet_type" };

  const asked = await session.runModule(workflow, target, null);
  assert.equal(asked.status, "awaiting_input", asked.error);
  const items = (asked.interaction_request!.display_data as { data: Array<Record<string, any>> }).data;
  assert.ok(items.every((item) => item._metadata && typeof item._metadata === "object"), "every option carries addon metadata");

  const answered = await session.runModule(workflow, target, { selected_indices: [1] });
  assert.equal(answered.status, "target_reached", answered.error);
  const usage = session.db.collection("option_usage").find({});
  assert.equal(usage.length, 1);
  assert.equal(usage[0].option, "dog");
  assert.equal(usage[0].module_name, "select_pet_type");
});
