import * as assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { ancestorFolders, indexAncestors, WorkflowCatalog, type FolderReader } from "../../src/extension/workflow-catalog";

const top = "/ws";
const wf = join(top, "flows", "cc");
const files: Record<string, string> = {
  [join(top, "package.json")]: JSON.stringify({ name: "x" }),
  [join(top, "flows", "notes.json")]: JSON.stringify({ workflow_id_note: "not one" }),
  [join(wf, "workflow.json")]: JSON.stringify({ workflow_id: "cc", steps: [{ $ref: "steps/one/step.json", type: "json" }] }),
  [join(wf, "steps", "one", "step.json")]: JSON.stringify({ step_id: "one", modules: [] }),
  [join(wf, "steps", "one", "data.json")]: "[1]",
  // Elsewhere in the workspace: a workflow and a big folder the lookup must not list.
  [join(top, "other", "workflow.json")]: JSON.stringify({ workflow_id: "other", steps: [] }),
  ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [join(top, "other", "many", `f${i}.json`), "{}"])),
};

/** A reader over `files` that records every folder listed and every file read. */
function recordingReader(): FolderReader & { listed: string[]; reads: string[] } {
  const listed: string[] = [];
  const reads: string[] = [];
  return {
    listed,
    reads,
    async jsonFiles(folder) {
      listed.push(folder);
      return Object.keys(files).filter((f) => dirname(f) === folder);
    },
    read(path) {
      reads.push(path);
      return files[path];
    },
  };
}

describe("workflow lookup through ancestor folders (lenses proportional to the open file)", () => {
  it("names the file's folders, nearest first, up to the workspace folder; none outside it", () => {
    assert.deepEqual(ancestorFolders(join(wf, "steps", "one", "step.json"), top), [join(wf, "steps", "one"), join(wf, "steps"), wf, join(top, "flows"), top]);
    assert.deepEqual(ancestorFolders(join(top, "a.json"), top), [top]);
    assert.deepEqual(ancestorFolders("/elsewhere/a.json", top), []);
    assert.deepEqual(ancestorFolders(join(top, "node_modules", "p", "a.json"), top), [top]);
  });

  it("finds a step file's workflow listing only its ancestor folders, reading only their JSON files", async () => {
    const catalog = new WorkflowCatalog();
    const reader = recordingReader();
    const step = join(wf, "steps", "one", "step.json");
    await indexAncestors(step, top, catalog, reader, new Map());
    assert.deepEqual(catalog.workflowsFor(step), [join(wf, "workflow.json")]);
    assert.deepEqual([...reader.listed].sort(), ancestorFolders(step, top).sort());
    const ancestors = new Set(ancestorFolders(step, top));
    for (const read of reader.reads) assert.ok(ancestors.has(dirname(read)) || read.startsWith(wf), `read outside the ancestors and the workflow: ${read}`);
    assert.equal(catalog.has(join(top, "other", "workflow.json")), false);
  });

  it("lists each folder once: a sibling file's lookup lists only the folders not seen yet, concurrent lookups share a scan", async () => {
    const catalog = new WorkflowCatalog();
    const reader = recordingReader();
    const scanned = new Map<string, Promise<void>>();
    await Promise.all([
      indexAncestors(join(wf, "steps", "one", "step.json"), top, catalog, reader, scanned),
      indexAncestors(join(wf, "steps", "one", "data.json"), top, catalog, reader, scanned),
    ]);
    assert.equal(reader.listed.length, 5);
    await indexAncestors(join(top, "other", "workflow.json"), top, catalog, reader, scanned);
    assert.deepEqual(reader.listed.slice(5), [join(top, "other")]);
    assert.deepEqual(catalog.workflowsFor(join(top, "other", "workflow.json")), [join(top, "other", "workflow.json")]);
  });

  it("a file no ancestor's workflow includes has none (an orphan), whatever the rest of the workspace holds", async () => {
    const catalog = new WorkflowCatalog();
    const reader = recordingReader();
    await indexAncestors(join(top, "other", "many", "f1.json"), top, catalog, reader, new Map());
    assert.deepEqual(catalog.workflowsFor(join(top, "other", "many", "f1.json")), []);
  });
});
