/**
 * Addons on user.select (modules.md 3): the processor's in-place `_metadata`, usage_history over the
 * virtual DB (dates stay dates across export/import, ruling 13), compatibility scores, and the
 * select module driving both through `setAddonProcessor`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createVirtualDb, exportCompressed, importDb } from "../../src/core/db";
import {
  colorForHours,
  colorForValue,
  compatibilityScore,
  createAddonProcessor,
  attachAddons,
  neverUsedColor,
  optionKey,
  pythonRound1,
  timeAgoText,
} from "../../src/core/modules/addons";
import { getModule, type InteractiveModule } from "../../src/core/modules";
import { createTestContext, FIXED_NOW, response } from "./helpers";

/** The module's interaction request (never null for this module). */
async function ask(module: InteractiveModule, inputs: Record<string, unknown>, context: Parameters<InteractiveModule["getInteractionRequest"]>[1]) {
  const request = await module.getInteractionRequest(inputs, context);
  assert.ok(request);
  return request;
}

const HOUR = 3_600_000;
const COLORS = [
  { max: 12, unit: "hour", color: "#recent" },
  { min: 12, max: 24, unit: "hour", color: "#day" },
  { min: 1, max: 2, unit: "day", color: "#twodays" },
  { min: 2, unit: "day", color: "#old" },
];

function options(): Record<string, unknown>[] {
  return [
    { label: "Calm", tags: { mood: [{ tag: "calm", value: 90 }, { tag: "fun", value: 10 }] } },
    { label: "Bold", tags: { style: [{ tag: "x", value: 20 }] } },
    { label: "Plain" },
  ];
}

describe("usage_history rules (modules.md 3.2)", () => {
  test("colour by hours: [min, max) in the rule's unit, legacy max_hours, bare colour", () => {
    assert.equal(colorForHours(1, COLORS), "#recent");
    assert.equal(colorForHours(12, COLORS), "#day");
    assert.equal(colorForHours(30, COLORS), "#twodays");
    assert.equal(colorForHours(48, COLORS), "#old");
    assert.equal(colorForHours(5, [{ max_hours: 4, color: "a" }, { color: "b" }]), "b");
    assert.equal(colorForHours(3, [{ max_hours: 4, color: "a" }]), "a");
    assert.equal(colorForHours(90, [{ min: 1, unit: "weird", color: "w" }]), "w");
    assert.equal(colorForHours(null, COLORS), null);
    assert.equal(colorForHours(1, []), null);
  });

  test("never used: the open rule with the highest minimum, or the first legacy fallback", () => {
    assert.equal(neverUsedColor(COLORS), "#old");
    assert.equal(neverUsedColor([{ max_hours: 4, color: "a" }, { color: "fallback" }, { min: 9, unit: "day", color: "late" }]), "fallback");
    assert.equal(neverUsedColor([{ max: 3, unit: "hour", color: "a" }]), null);
  });

  test("time-ago text from timedelta days and seconds", () => {
    assert.equal(timeAgoText(65, 0), "2mo ago");
    assert.equal(timeAgoText(3, 10), "3d ago");
    assert.equal(timeAgoText(0, 7300), "2h ago");
    assert.equal(timeAgoText(0, 3600), "60m ago");
    assert.equal(timeAgoText(0, 61), "1m ago");
    assert.equal(timeAgoText(0, 60), "just now");
  });

  test("option keys fill {field} placeholders with Python str()", () => {
    assert.equal(optionKey({ label: "Calm", id: 3, ok: true }, "{label}-{id}-{ok}"), "Calm-3-True");
    assert.equal(optionKey("text", "{label}"), "text");
    assert.equal(optionKey({ id: 1 }, "{label}"), "{label}");
  });
});

describe("compatibility (modules.md 3.3)", () => {
  test("the verified example: aggregated maxima, averaged over shared categories, uncapped", () => {
    const { context } = createTestContext();
    const processor = createAddonProcessor(
      [{ addon_id: "addons.compatibility", priority: 5, inputs: { source: [[{ tags: { mood: [{ tag: "calm", value: 80 }, { tag: "fun", value: 30 }] } }], { tags: { mood: [{ tag: "fun", value: 60 }], style: [{ tag: "x", value: 50 }] } }], colors: [{ min: 80, color: "green" }, { min: 20, color: "amber" }, { color: "grey" }] } }],
      context,
    );
    const items = options();
    return Promise.resolve(processor.processItems(items)).then(() => {
      assert.deepEqual(items[0]._metadata, {
        addons: { score: 90, color: "green" },
        decorators: [
          { type: "border", color: "green", priority: 5, source: "compatibility" },
          { type: "swatch", color: "green", priority: 5, source: "compatibility" },
          { type: "badge", text: "90% match", priority: 5, source: "compatibility" },
        ],
      });
      assert.equal((items[1]._metadata as any).addons.score, 20);
      assert.equal((items[1]._metadata as any).addons.color, "amber");
      // Items without tags get no entry at all.
      assert.equal("_metadata" in items[2], false);
    });
  });

  test("scores, colours and Python rounding", () => {
    const aggregated = new Map([["mood", new Map([["calm", 100], ["fun", 100]])]]);
    assert.equal(compatibilityScore(aggregated, { mood: [{ tag: "calm", value: 90 }, { tag: "fun", value: 80 }] }), 170);
    assert.equal(compatibilityScore(aggregated, { other: [] }), 0);
    assert.equal(colorForValue(null, [{ color: "x" }]), null);
    assert.equal(colorForValue(5, [{ min: 10, color: "a" }, { max_hours: 6, color: "b" }]), "b");
    assert.equal(pythonRound1(0.25), 0.2);
    assert.equal(pythonRound1(0.75), 0.8);
    assert.equal(pythonRound1(2.675), 2.7);
    assert.equal(pythonRound1(33.333333), 33.3);
  });

  test("no source, or no tags in the source: no metadata", async () => {
    const { context } = createTestContext();
    for (const source of [null, [], [{ label: "x" }]]) {
      const items = options();
      await createAddonProcessor([{ addon_id: "addons.compatibility", inputs: { source } }], context).processItems(items);
      assert.ok(items.every((item) => !("_metadata" in item)));
    }
  });
});

describe("the AddonProcessor and usage_history on the virtual DB", () => {
  test("never used → oldest colour; a pick is recorded; later it shows its age, colour and badge", async () => {
    let now = FIXED_NOW;
    const db = createVirtualDb({ clock: () => now });
    const { context } = createTestContext({ db });
    const config = [{ addon_id: "addons.usage_history", priority: 10, inputs: { track_key_format: "{label}", colors: COLORS } }];

    const first = options();
    await createAddonProcessor(config, context).processItems(first);
    assert.deepEqual(first[0]._metadata, {
      addons: { last_used: null, color: "#old" },
      decorators: [
        { type: "border", color: "#old", priority: 10, source: "usage_history" },
        { type: "swatch", color: "#old", priority: 10, source: "usage_history" },
      ],
    });
    // Reading history creates the template document (as the original does).
    const template = db.collection("workflow_templates").findOne({ workflow_template_name: "cuddle_crew" })!;
    assert.equal(template.scope, "user");
    assert.equal(template.visibility, "visible");

    await createAddonProcessor(config, context).callOnSelection([1], first);
    const usage = db.collection("option_usage").find({});
    assert.equal(usage.length, 1);
    assert.equal(usage[0].option, "Bold");
    assert.equal(usage[0].step_id, "step_under_test");
    assert.equal(usage[0].module_name, "module_under_test");
    assert.equal(usage[0].workflow_template_id, template.workflow_template_id);
    assert.ok(usage[0].updated_at instanceof Date);
    assert.ok(usage[0].created_at instanceof Date);

    // Export → import (ruling 13): still a Date, so the history reads back.
    const reloaded = importDb(exportCompressed(db), { clock: () => now });
    assert.ok(reloaded.collection("option_usage").findOne({})!.updated_at instanceof Date);

    now = FIXED_NOW + 30 * HOUR;
    const later = options();
    const { context: laterContext } = createTestContext({ db: reloaded });
    await createAddonProcessor(config, laterContext).processItems(later);
    assert.deepEqual((later[1]._metadata as any).addons, { last_used: "2026-02-15T10:03:11.123Z", color: "#twodays" });
    assert.deepEqual((later[1]._metadata as any).decorators[2], { type: "badge", text: "1d ago", priority: 10, source: "usage_history" });
    assert.equal((later[0]._metadata as any).addons.last_used, null);

    // Picking again updates the same document (unique key), keeps created_at.
    await createAddonProcessor(config, laterContext).callOnSelection([1], later);
    const again = reloaded.collection("option_usage").find({});
    assert.equal(again.length, 1);
    assert.equal((again[0].updated_at as Date).getTime(), now);
    assert.equal((again[0].created_at as Date).getTime(), FIXED_NOW);
  });

  test("both addons together: data merged flat (the later colour wins), decorators accumulate", async () => {
    const { context } = createTestContext();
    const items = options();
    await createAddonProcessor(
      [
        { addon_id: "addons.usage_history", priority: 10, inputs: { colors: COLORS } },
        { addon_id: "addons.unknown" },
        { addon_id: "addons.compatibility", priority: 20, inputs: { source: [{ tags: { mood: [{ tag: "calm", value: 50 }] } }], colors: [{ color: "blue" }] } },
      ],
      context,
    ).processItems(items);
    const metadata = items[0]._metadata as any;
    assert.deepEqual(metadata.addons, { last_used: null, color: "blue", score: 50 });
    assert.deepEqual(metadata.decorators.map((d: any) => `${d.source}:${d.type}`), [
      "usage_history:border",
      "usage_history:swatch",
      "compatibility:border",
      "compatibility:swatch",
      "compatibility:badge",
    ]);
  });

  test("a failing addon only logs a warning (missing context), the others still run", async () => {
    const { context, logs } = createTestContext();
    context.workflowTemplateName = "";
    const items = options();
    const processor = createAddonProcessor(
      [
        { addon_id: "addons.usage_history", inputs: {} },
        { addon_id: "addons.compatibility", inputs: { source: [{ tags: { mood: [{ tag: "calm", value: 50 }] } }] } },
      ],
      context,
    );
    await processor.processItems(items);
    await processor.callOnSelection([0], items);
    assert.deepEqual(
      logs.filter((entry) => entry.level === "warning").map((entry) => entry.message),
      [
        "Addon addons.usage_history failed: UsageHistoryAddon: context.workflow_template_name is required",
        "Addon addons.usage_history on_selection failed: UsageHistoryAddon.on_selection: context.workflow_template_name is required",
      ],
    );
    assert.equal((items[0]._metadata as any).addons.score, 50);
  });
});

describe("user.select with addons (modules.md 3.4)", () => {
  const schema = { type: "array", items: { type: "object", _ux: { selectable: true } } };

  test("attachAddons resolves the addon inputs and hands the processor to the module; _metadata is embedded and stripped", async () => {
    const { context, db } = createTestContext();
    const select = getModule("user.select") as InteractiveModule;
    const moduleConfig = { addons: [{ addon_id: "addons.usage_history", priority: 1, inputs: { colors: "{{ colors }}" } }] };
    const resolved: unknown[] = [];
    const attached = attachAddons(select, moduleConfig, context, (inputs) => {
      resolved.push(inputs);
      return { colors: COLORS };
    });
    assert.equal(attached, true);
    assert.deepEqual(resolved, [{ colors: "{{ colors }}" }]);

    const inputs = { data: options(), schema };
    const request = await ask(select, inputs, context);
    const shown = request.display_data.data as Record<string, any>[];
    assert.equal(shown[0]._metadata.addons.color, "#old");
    // The persisted inputs hold the same objects, so they carry the metadata too.
    assert.equal((inputs.data[0] as any)._metadata.addons.color, "#old");

    const out = await select.executeWithResponse(inputs, context, response({ selected_indices: [2] }));
    assert.deepEqual(out.selected_data, { label: "Plain" });
    assert.equal(db.collection("option_usage").findOne({})!.option, "Plain");
  });

  test("no addons, or a module without setAddonProcessor: nothing attached", () => {
    const { context } = createTestContext();
    assert.equal(attachAddons(getModule("user.select") as InteractiveModule, {}, context, (x) => x), false);
    assert.equal(attachAddons(getModule("api.llm"), { addons: [{ addon_id: "addons.usage_history" }] }, context, (x) => x), false);
  });
});

describe("addons through the engine (execute)", () => {
  test("usage_history on the virtual DB across calls: never used, picked, then shown as recent", async () => {
    const { execute } = await import("../../src/core/virtual");
    const { decodeDbBlob } = await import("../../src/core/db");
    const workflow = {
      workflow_id: "addon_demo",
      steps: [
        {
          step_id: "pick",
          modules: [
            {
              module_id: "user.select",
              name: "pick_style",
              inputs: { prompt: "Pick", data: [{ label: "Calm" }, { label: "Bold" }], schema: { type: "array", items: { type: "object", _ux: { selectable: true } } } },
              addons: [{ addon_id: "addons.usage_history", priority: 10, inputs: { colors: COLORS } }],
            },
          ],
        },
      ],
    };
    const target = { target_step_id: "pick", target_module_name: "pick_style" };
    const asked = await execute({ workflow, ...target });
    assert.equal(asked.status, "awaiting_input", asked.error);
    const shown = asked.interaction_request!.display_data.data as Record<string, any>[];
    assert.deepEqual(shown.map((item) => item._metadata.addons), [
      { last_used: null, color: "#old" },
      { last_used: null, color: "#old" },
    ]);

    const answered = await execute({ workflow, ...target, virtual_db: asked.result.virtual_db, response: { selected_indices: [1] } });
    assert.equal(answered.status, "completed", answered.error);
    assert.deepEqual(answered.result.module_outputs?.selected_data, { label: "Bold" });
    const blob = answered.result.virtual_db as string;
    const stored = decodeDbBlob(blob).option_usage;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].option, "Bold");
    assert.ok(stored[0].updated_at instanceof Date);

    // The next call imports the blob: the Date is still a Date, so the aggregate-equivalent read works.
    const again = await execute({ workflow, ...target, virtual_db: blob });
    assert.equal(again.status, "awaiting_input", again.error);
    const next = again.interaction_request!.display_data.data as Record<string, any>[];
    assert.equal(next[0]._metadata.addons.last_used, null);
    assert.match(next[1]._metadata.addons.last_used, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(next[1]._metadata.addons.color, "#recent");
    assert.deepEqual(next[1]._metadata.decorators.map((d: any) => d.type), ["border", "swatch", "badge"]);
  });
});
