/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The DB changes tab: per collection the documents a run inserted, updated and deleted. An update shows
 * only the fields that changed (before → after); ids, timestamps and run/branch ids are de-emphasised
 * (`db-noise`); every document's whole content is one click away (a `<details>`).
 */
import type { DbChanges } from "../src/shared/protocol";
import type { DocumentUpdate } from "../src/shared/run-story";
import { h } from "./dom";
import { shortText, valueCell } from "./story-values";

type Doc = Record<string, unknown>;
type Collection = DbChanges["collections"][number];

/** Bookkeeping fields: they change on every write and say little about what the run did. */
const NOISE_FIELDS = new Set([
  "_id",
  "id",
  "timestamp",
  "workflow_run_id",
  "branch_id",
  "parent_branch_id",
  "event_id",
  "cutoff_event_id",
  "workflow_version_id",
  "version_id",
  "run_id",
  "user_id",
  "interaction_id",
]);

/** Ids that name something in the workflow (where a module sits, what it is): content, not bookkeeping. */
const MEANINGFUL_IDS = new Set(["step_id", "module_id", "action_id", "option_id", "target_step_id"]);

/** Whether a field (a dotted path) is an id, a timestamp or a run/branch id: shown, but de-emphasised. */
export function isNoiseField(path: string): boolean {
  const last = path.split(".").pop() ?? path;
  if (MEANINGFUL_IDS.has(last)) return false;
  return NOISE_FIELDS.has(last) || last.endsWith("_id") || last.endsWith("_at") || last === "created" || last === "updated";
}

/** A short label for a document: an event's type and module, else its name/status/key fields, else its id. */
export function documentLabel(collection: string, doc: Doc): string {
  if (collection === "events" || typeof doc.event_type === "string") {
    const where = [doc.step_id, doc.module_name].filter((part) => typeof part === "string" && part !== "").join("/");
    return `${String(doc.event_type ?? "event")}${where ? ` ${where}` : ""}`;
  }
  for (const key of ["name", "title", "status", "module_name", "step_id", "key"]) {
    if (typeof doc[key] === "string" && doc[key] !== "") return `${key}: ${shortText(doc[key], 50)}`;
  }
  return shortText(doc._id ?? "(no _id)", 50);
}

/** "+3 inserted · ~1 updated · −2 deleted". */
export function collectionSummary(collection: Collection): string {
  const parts: string[] = [];
  if (collection.added.length) parts.push(`+${collection.added.length} inserted`);
  if (collection.changed.length) parts.push(`~${collection.changed.length} updated`);
  if (collection.removed.length) parts.push(`−${collection.removed.length} deleted`);
  return parts.join(" · ") || "no changes";
}

/** The whole document as key/value rows, noise fields de-emphasised. */
function documentFields(doc: Doc): HTMLElement {
  return h(
    "dl",
    { className: "db-document" },
    Object.entries(doc).map(([key, value]) => {
      const noise = isNoiseField(key) ? " db-noise" : "";
      return [h("dt", { className: `db-field${noise}` }, key), h("dd", { className: `db-value${noise}` }, valueCell(value))];
    }),
  );
}

function wholeDocument(doc: Doc, label = "Whole document"): HTMLElement {
  return h("details", { className: "db-whole" }, h("summary", {}, label), documentFields(doc));
}

function inserted(collection: Collection): HTMLElement | null {
  if (collection.added.length === 0) return null;
  return h(
    "div",
    { className: "db-inserted" },
    h("h4", {}, `Inserted (${collection.added.length})`),
    collection.added.map((doc) =>
      h("details", { className: "db-doc db-doc-inserted" }, h("summary", {}, h("span", { className: "db-mark" }, "+"), " ", documentLabel(collection.name, doc)), documentFields(doc)),
    ),
  );
}

function fieldRows(update: DocumentUpdate): HTMLElement {
  return h(
    "table",
    { className: "story-table db-fields" },
    h(
      "tbody",
      {},
      update.fields.map((field) =>
        h(
          "tr",
          { className: `db-field-change${isNoiseField(field.path) ? " db-noise" : ""}`, dataset: { field: field.path } },
          h("th", { scope: "row" }, h("code", {}, field.path)),
          h("td", { className: "db-before" }, "before" in field ? valueCell(field.before) : h("span", { className: "muted" }, "(absent)")),
          h("td", { className: "db-arrow", "aria-label": "becomes" }, "→"),
          h("td", { className: "db-after" }, "after" in field ? valueCell(field.after) : h("span", { className: "muted" }, "(removed)")),
        ),
      ),
    ),
  );
}

function updated(collection: Collection): HTMLElement | null {
  if (collection.changed.length === 0) return null;
  return h(
    "div",
    { className: "db-updated" },
    h("h4", {}, `Updated (${collection.changed.length})`),
    collection.changed.map((doc, i) => {
      const update = collection.updates?.[i];
      return h(
        "div",
        { className: "db-doc db-doc-updated" },
        h("div", { className: "db-doc-title" }, h("span", { className: "db-mark" }, "~"), " ", documentLabel(collection.name, doc), h("span", { className: "muted db-noise" }, ` ${shortText(doc._id ?? "", 40)}`)),
        update ? (update.fields.length > 0 ? fieldRows(update) : h("p", { className: "muted" }, "No field changed.")) : null,
        wholeDocument(doc, update ? "Whole document" : "Whole document (no before-image)"),
      );
    }),
  );
}

function deleted(collection: Collection): HTMLElement | null {
  if (collection.removed.length === 0) return null;
  return h(
    "div",
    { className: "db-deleted" },
    h("h4", {}, `Deleted (${collection.removed.length})`),
    h("ul", {}, collection.removed.map((id) => h("li", {}, h("span", { className: "db-mark" }, "−"), " ", h("code", {}, id)))),
  );
}

/** Collections in the order the tab lists them: the run's own data first, the event log (long, all inserts) last. */
export function collectionOrder(collections: readonly Collection[]): Collection[] {
  return [...collections.filter((c) => c.name !== "events"), ...collections.filter((c) => c.name === "events")];
}

export function dbChangesTab(changes: DbChanges): HTMLElement {
  const collections = collectionOrder(changes.collections);
  return h(
    "div",
    { className: "story-db" },
    h("p", { className: "muted" }, collections.length === 0 ? "The run changed nothing in the DB." : collections.map((c) => `${c.name}: ${collectionSummary(c)}`).join(" · ")),
    collections.map((collection) =>
      h(
        "section",
        { className: "db-collection", dataset: { collection: collection.name } },
        h("h3", {}, collection.name, h("span", { className: "muted" }, ` · ${collectionSummary(collection)}`)),
        updated(collection),
        inserted(collection),
        deleted(collection),
      ),
    ),
  );
}
