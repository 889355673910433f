import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import {
  EXECUTION_GROUPS_MODULE_ID,
  expandExecutionGroups,
  serverContentHash,
  VIRTUAL_USER_ID,
} from "../../src/core/repositories";
import { computeContentHash } from "../../src/core/workflow/content-hash";
import { fixturesDir } from "../helpers/paths";
import { harness } from "./fixture";

const CC_HASH = "59db567216fb35532bdcdc4aec7816e86995a3d22d2e802e87498b3400b02faa";

function groupsWorkflow(): Record<string, unknown> {
  return {
    workflow_id: "grouped",
    steps: [
      {
        step_id: "s1",
        modules: [
          { module_id: "user.select", name: "first" },
          {
            module_id: EXECUTION_GROUPS_MODULE_ID,
            name: "ui",
            output_schema: { type: "object", properties: { choice: {}, extra: {} } },
            groups: [
              { name: "webui_path", requires: [{ capability: "webui", priority: 10 }], modules: [{ module_id: "user.form", name: "form" }] },
              { name: "tui_path", requires: [{ capability: "tui", priority: 5 }], modules: [{ module_id: "user.text_input", name: "text", _metadata: { note: 1 } }, { module_id: "user.select", name: "pick" }] },
            ],
          },
        ],
      },
      {
        step_id: "s2",
        modules: [
          {
            module_id: EXECUTION_GROUPS_MODULE_ID,
            name: "media",
            groups: [
              { name: "rich", requires: [{ capability: "media", priority: 3 }], modules: [{ module_id: "media.generate", name: "gen" }] },
              { name: "none", modules: [] },
            ],
          },
        ],
      },
    ],
  };
}

describe("templates (engine.md 1.10, 2.2)", () => {
  it("get-or-create by name and user, scope user, visible; legacy templates are upgraded", () => {
    const h = harness();
    const first = h.repos.versions.getOrCreateTemplate("cuddle_crew", VIRTUAL_USER_ID);
    assert.equal(first.isNew, true);
    assert.match(first.workflowTemplateId, /^tpl_[0-9a-f]{32}$/);
    assert.deepEqual(h.repos.versions.getOrCreateTemplate("cuddle_crew", VIRTUAL_USER_ID), {
      workflowTemplateId: first.workflowTemplateId,
      isNew: false,
    });
    const stored = h.repos.versions.getTemplateById(first.workflowTemplateId)!;
    assert.equal(stored.scope, "user");
    assert.equal(stored.visibility, "visible");
    assert.ok(stored.created_at instanceof Date);
    assert.equal(h.repos.versions.getOrCreateTemplate("cuddle_crew", "someone_else").isNew, true);

    h.db.collection("workflow_templates").insertOne({
      workflow_template_id: "tpl_legacy",
      workflow_template_name: "old",
      user_id: VIRTUAL_USER_ID,
      created_at: new Date(0),
    });
    assert.equal(h.repos.versions.getOrCreateTemplate("old", VIRTUAL_USER_ID).workflowTemplateId, "tpl_legacy");
    const upgraded = h.repos.versions.getTemplateById("tpl_legacy")!;
    assert.equal(upgraded.scope, "user");
    assert.equal(upgraded.visibility, "visible");
  });

  it("the history mixin's variant makes tpl_<12hex> and reuses any template of that name", () => {
    const h = harness();
    const id = h.repos.versions.getOrCreateWorkflowTemplate("usage", VIRTUAL_USER_ID);
    assert.match(id, /^tpl_[0-9a-f]{12}$/);
    assert.equal(h.repos.versions.getOrCreateWorkflowTemplate("usage", VIRTUAL_USER_ID), id);
    const { _id: _ignored, ...doc } = h.repos.versions.getTemplateByName("usage", VIRTUAL_USER_ID)! as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc).sort(), ["created_at", "updated_at", "user_id", "workflow_template_id", "workflow_template_name"]);
    const regular = h.repos.versions.getOrCreateTemplate("cc", VIRTUAL_USER_ID).workflowTemplateId;
    assert.equal(h.repos.versions.getOrCreateWorkflowTemplate("cc", VIRTUAL_USER_ID), regular);
  });
});

describe("versions (engine.md 1.10)", () => {
  it("stores cc once per content hash as a raw version (cc has no execution groups)", () => {
    const h = harness();
    const cc = JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8")) as Record<string, unknown>;
    const hash = computeContentHash(cc);
    assert.equal(hash, CC_HASH);
    const first = h.repos.versions.processAndStoreWorkflowVersions(cc, hash, "json", "cuddle_crew", VIRTUAL_USER_ID);
    assert.equal(first.isNew, true);
    assert.match(first.workflowVersionId, /^ver_[0-9a-f]{32}$/);
    const again = h.repos.versions.processAndStoreWorkflowVersions(structuredClone(cc), hash, "json", "cuddle_crew", VIRTUAL_USER_ID);
    assert.deepEqual(again, { ...first, isNew: false });
    assert.equal(h.db.collection("workflow_versions").countDocuments(), 1);
    assert.equal(h.db.collection("workflow_templates").countDocuments(), 1);

    const version = h.repos.versions.getWorkflowVersionById(first.workflowVersionId)!;
    assert.equal(version.version_type, "raw");
    assert.equal(version.source_type, "json");
    assert.equal(version.content_hash, CC_HASH);
    assert.equal(version.workflow_template_id, first.workflowTemplateId);
    assert.deepEqual(version.resolved_workflow, cc);
    assert.equal("parent_workflow_version_id" in version, false);
    assert.deepEqual(h.repos.versions.getResolvedWorkflow(first.workflowVersionId), cc);
    assert.equal(h.repos.versions.getVersionForCapabilities(first.workflowVersionId, [])?.workflow_version_id, first.workflowVersionId);
    assert.equal(h.repos.versions.getVersionForCapabilities("ver_missing", []), null);

    // An edited definition is a new version of the same template.
    const edited = { ...cc, description: "edited" };
    const second = h.repos.versions.processAndStoreWorkflowVersions(edited, computeContentHash(edited), "json", "cuddle_crew", VIRTUAL_USER_ID);
    assert.equal(second.isNew, true);
    assert.equal(second.workflowTemplateId, first.workflowTemplateId);
    assert.equal(h.repos.versions.getLatestSourceVersion("cuddle_crew", VIRTUAL_USER_ID)?.workflow_version_id, second.workflowVersionId);
  });

  it("expands execution groups into resolved children and marks the source unresolved", () => {
    const h = harness();
    const workflow = groupsWorkflow();
    const stored = h.repos.versions.processAndStoreWorkflowVersions(workflow, "hash-g", "json", "grouped", VIRTUAL_USER_ID);
    const source = h.repos.versions.getWorkflowVersionById(stored.workflowVersionId)!;
    assert.equal(source.version_type, "unresolved");
    assert.deepEqual(source.resolved_workflow, groupsWorkflow());

    const children = h.db
      .collection("workflow_versions")
      .find({ parent_workflow_version_id: stored.workflowVersionId }, { sort: { workflow_version_id: 1 } });
    assert.equal(children.length, 4);
    assert.deepEqual(
      children.map((child) => child.requires),
      [
        [{ capability: "webui", priority: 10 }, { capability: "media", priority: 3 }],
        [{ capability: "webui", priority: 10 }],
        [{ capability: "tui", priority: 5 }, { capability: "media", priority: 3 }],
        [{ capability: "tui", priority: 5 }],
      ],
    );
    for (const child of children) {
      assert.equal(child.version_type, "resolved");
      assert.equal(child.source_type, "json");
      assert.equal(child.content_hash, serverContentHash(child.resolved_workflow));
      assert.match(child.content_hash as string, /^sha256:[0-9a-f]{64}$/);
    }

    // The best child the capabilities cover, by summed priority.
    const pick = (caps: string[]) => h.repos.versions.getVersionForCapabilities(stored.workflowVersionId, caps)?.requires;
    assert.deepEqual(pick(["webui", "media", "tui"]), [{ capability: "webui", priority: 10 }, { capability: "media", priority: 3 }]);
    assert.deepEqual(pick(["tui"]), [{ capability: "tui", priority: 5 }]);
    // Nothing covered: the source itself, which cannot run.
    assert.throws(() => pick([]), (error: unknown) => (error as { errorType?: string }).errorType === "workflow_invalid");
    // Storing it again changes nothing.
    assert.equal(h.repos.versions.processAndStoreWorkflowVersions(workflow, "hash-g", "json", "grouped", VIRTUAL_USER_ID).isNew, false);
    assert.equal(h.db.collection("workflow_versions").countDocuments(), 5);
  });

  it("flattens the chosen path with _metadata and an io.validate exit module", () => {
    const variants = expandExecutionGroups(groupsWorkflow());
    assert.deepEqual(
      variants.map((variant) => variant.selectedPaths),
      [
        { ui: "webui_path", media: "rich" },
        { ui: "webui_path", media: "none" },
        { ui: "tui_path", media: "rich" },
        { ui: "tui_path", media: "none" },
      ],
    );
    const tui = variants[3].flattenedWorkflow as { steps: { modules: Record<string, unknown>[] }[] };
    assert.deepEqual(tui.steps[0].modules, [
      { module_id: "user.select", name: "first" },
      {
        module_id: "user.text_input",
        name: "text",
        _metadata: {
          note: 1,
          expanded_from: "ui",
          expanded_index: 0,
          _group_origin: { group_name: "ui", path_name: "tui_path", requires: [{ capability: "tui", priority: 5 }] },
        },
      },
      {
        module_id: "user.select",
        name: "pick",
        _metadata: {
          expanded_from: "ui",
          expanded_index: 1,
          _group_origin: { group_name: "ui", path_name: "tui_path", requires: [{ capability: "tui", priority: 5 }] },
        },
      },
      {
        module_id: "io.validate",
        name: "_ui_validator",
        inputs: { schema: { type: "object", properties: { choice: {}, extra: {} } }, state_keys: ["choice", "extra"] },
        _metadata: {
          expanded_from: "ui",
          expanded_index: -1,
          _group_origin: { group_name: "ui", path_name: "tui_path", is_group_exit: true, auto_generated: true },
        },
      },
    ]);
    // A group without output_schema gets no validator; an empty path inlines nothing.
    assert.deepEqual(tui.steps[1].modules, []);
    assert.deepEqual(variants[3].requires, [{ capability: "tui", priority: 5 }]);
  });

  it("a workflow without execution groups is a single variant of itself", () => {
    const workflow = { steps: [{ step_id: "s", modules: [{ module_id: "user.select" }] }] };
    const [only, ...rest] = expandExecutionGroups(workflow);
    assert.equal(rest.length, 0);
    assert.equal(only.flattenedWorkflow, workflow);
    assert.deepEqual(only.requires, []);
    assert.deepEqual(only.selectedPaths, {});
  });

  it("the real server's hash uses Python's default separators and a sha256: prefix", () => {
    // Python: "sha256:" + sha256(json.dumps({"b": [1, 2.5], "a": "café"}, sort_keys=True)) with
    // json.dumps giving '{"a": "caf\\u00e9", "b": [1, 2.5]}'.
    assert.equal(
      serverContentHash({ b: [1, 2.5], a: "caf\u00e9" }),
      "sha256:c21ee9709b501b7bcc0d188f3f2395e2a60ab58ddde0e2b7a1f248ec403b303d",
    );
  });
});
