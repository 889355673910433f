/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * One renderer per interaction type (`RENDERERS`, keyed by src/shared/interaction.ts's types). Each
 * returns the form and calls `submit(response)` with an `InteractionResponseData`; the submit button is
 * always labelled **Submit**.
 */
import { checkTextAnswer, isInteractionType, type InteractionType } from "../src/shared/interaction";
import { h } from "./dom";
import { fieldRows, isObject, type InteractionHost, problemLine, submitBar, submitButton, summaryLine, valueOf, withShortcut } from "./form-parts";
import { renderMedia } from "./media-interaction";
import { buildSelectModel, selectionProblem, selectionResponse, selectionSummary, type SelectItem } from "./structured";

export type { InteractionHost } from "./form-parts";

type Request = Record<string, unknown>;

// ------------------------------------------------------------------ select / review

function itemCard(item: SelectItem, multi: boolean, onToggle: (item: SelectItem, card: HTMLElement) => void): HTMLElement {
  const card = h(
    "div",
    {
      className: `card${item.selectable ? "" : " disabled"}`,
      role: multi ? "checkbox" : "radio",
      tabindex: item.selectable ? "0" : "-1",
      "aria-checked": "false",
      "aria-disabled": item.selectable ? undefined : "true",
      dataset: { key: item.key },
    },
    h("div", { className: "card-title" }, item.title),
    item.subtitle ? h("div", { className: "card-subtitle" }, item.subtitle) : null,
    item.fields.length > 0 ? fieldRows(item.fields, "card-fields") : null,
  );
  if (item.selectable) {
    card.addEventListener("click", () => onToggle(item, card));
    card.addEventListener("keydown", (event) => {
      if (event.key === " " || (event.key === "Enter" && !event.ctrlKey && !event.metaKey)) {
        event.preventDefault();
        onToggle(item, card);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const cards = [...(card.closest(".select-form")?.querySelectorAll<HTMLElement>(".card[tabindex='0']") ?? [])];
        const next = cards[cards.indexOf(card) + (event.key === "ArrowDown" ? 1 : -1)];
        next?.focus();
      }
    });
  }
  return card;
}

function renderSelect(request: Request, host: InteractionHost): HTMLElement {
  const model = buildSelectModel(request);
  const chosen = new Map<string, SelectItem>();
  const problem = problemLine();
  const summary = summaryLine();
  const update = () => {
    const limit = model.multi && model.max >= 0 ? ` (max ${model.max})` : "";
    summary.textContent = selectionSummary([...chosen.values()], model.multi) + limit;
    summary.title = [...chosen.values()].map((i) => i.title).join("\n");
    problem.textContent = "";
  };
  const toggle = (item: SelectItem, card: HTMLElement) => {
    if (chosen.has(item.key)) {
      chosen.delete(item.key);
      card.setAttribute("aria-checked", "false");
    } else {
      if (!model.multi) {
        chosen.clear();
        form.querySelectorAll(".card[aria-checked='true']").forEach((c) => c.setAttribute("aria-checked", "false"));
      } else if (model.max >= 0 && chosen.size >= model.max) {
        problem.textContent = selectionProblem(model, chosen.size + 1) ?? "";
        return;
      }
      chosen.set(item.key, item);
      card.setAttribute("aria-checked", "true");
    }
    update();
  };
  const submit = () => {
    const items = [...chosen.values()];
    const issue = selectionProblem(model, items.length);
    if (issue) {
      problem.textContent = issue;
      return;
    }
    host.submit(selectionResponse(items));
  };
  const form = h("div", { className: "select-form" });
  if (model.info.length > 0) form.append(fieldRows(model.info, "info"));
  for (const group of model.groups) {
    form.append(
      h(
        "section",
        { className: "group", role: model.multi ? "group" : "radiogroup", "aria-label": group.label || "options" },
        group.label ? h("h3", {}, group.label) : null,
        group.items.length === 0 ? h("p", { className: "muted" }, "(nothing to choose from)") : group.items.map((item) => itemCard(item, model.multi, toggle)),
      ),
    );
  }
  if (model.groups.length === 0) form.append(h("p", { className: "muted" }, "No options (the module's data is empty)."));
  if (model.review) form.append(reviewControls(request, host, model.groups.map((g) => g.id).filter(Boolean), () => [...chosen.values()]));
  const subActions = subActionButtons(request, host);
  if (subActions) form.append(subActions);
  form.append(problem, submitBar(submit, summary));
  update();
  return withShortcut(form, submit);
}

/** Review mode: retry with feedback (optionally only some groups), per the module's `retryable` options. */
function reviewControls(request: Request, host: InteractionHost, groupIds: string[], chosen: () => SelectItem[]): HTMLElement {
  const display = isObject(request.display_data) ? request.display_data : {};
  const retryable = isObject(display.retryable) ? display.retryable : {};
  const options = Array.isArray(retryable.options) ? retryable.options.filter(isObject) : [];
  const feedback = h("vscode-text-area", { id: "retry-feedback", rows: "3", placeholder: "What should change?", resize: "vertical" }, "Feedback");
  const groupBoxes = groupIds.map((id) => h("vscode-checkbox", { dataset: { group: id } }, id));
  const retry = (actionId?: string) =>
    host.submit({
      retry_requested: true,
      retry_feedback: valueOf(feedback),
      retry_groups: groupBoxes.filter((b) => (b as unknown as { checked: boolean }).checked).map((b) => (b as HTMLElement).dataset.group),
      ...(actionId ? { action_id: actionId } : {}),
      ...selectionResponse(chosen()),
    });
  const buttons =
    options.length > 0
      ? options
          .filter((o) => o.mode === "retry" || o.id === "retry" || String(o.id ?? "").includes("retry"))
          .map((o) => h("vscode-button", { appearance: "secondary", onclick: () => retry(String(o.id)) }, String(o.label ?? o.id)))
      : [];
  if (buttons.length === 0) buttons.push(h("vscode-button", { appearance: "secondary", id: "retry", onclick: () => retry() }, "Retry"));
  return h(
    "section",
    { className: "review" },
    h("h3", {}, "Not right? Ask for a retry"),
    groupBoxes.length > 0 ? h("div", { className: "row" }, h("span", { className: "muted" }, "Retry only:"), groupBoxes) : null,
    feedback,
    h("div", { className: "actions" }, buttons),
  );
}

/** The module's sub-actions (display_data.sub_actions) as buttons; results appear below them. */
function subActionButtons(request: Request, host: InteractionHost): HTMLElement | null {
  const display = isObject(request.display_data) ? request.display_data : {};
  const actions = Array.isArray(display.sub_actions) ? display.sub_actions.filter(isObject).filter((a) => a.hidden !== true) : [];
  if (actions.length === 0) return null;
  const out = h("div", { className: "subaction-result" });
  return h(
    "section",
    { className: "subactions" },
    h("h3", {}, "Actions"),
    h(
      "div",
      { className: "actions" },
      actions.map((a) =>
        h(
          "vscode-button",
          {
            appearance: "secondary",
            onclick: async () => {
              out.textContent = `Running ${String(a.label ?? a.id)}…`;
              const r = await host.runSubAction(String(a.id), {});
              out.textContent = r.ok ? `${String(a.label ?? a.id)}: done` : `${String(a.label ?? a.id)} failed: ${r.error ?? ""}`;
            },
          },
          String(a.label ?? a.id),
        ),
      ),
    ),
    out,
  );
}

// ------------------------------------------------------------------ text, pause

function renderText(request: Request, host: InteractionHost): HTMLElement {
  const context = isObject(request.context) ? request.context : {};
  const problem = problemLine();
  if (context.pause === true) {
    const submit = () => host.submit({ value: "" });
    return withShortcut(
      h("div", { className: "pause-form" }, h("pre", { className: "notice" }, String(request.default_value ?? "")), submitBar(submit)),
      submit,
    );
  }
  const attrs = { id: "text-value", placeholder: String(request.placeholder ?? ""), value: String(request.default_value ?? "") };
  const field = request.multiline === true ? h("vscode-text-area", { ...attrs, rows: "6", resize: "vertical" }) : h("vscode-text-field", attrs);
  const submit = () => {
    const value = valueOf(field);
    if (value.trim() === "" && request.allow_empty !== true) {
      problem.textContent = "A value is required.";
      return;
    }
    // The request's context.validation (user.text_input's validation_pattern), checked here as the
    // original's client did: the module's validation_error shows and the question stays open.
    // The module checks the answer, or its default when the answer is empty.
    if (isObject(context.validation)) {
      const checked = value !== "" ? value : String(request.default_value ?? "");
      let result: { valid: boolean; feedback: string } = { valid: true, feedback: "" };
      try {
        result = checkTextAnswer(checked, context.validation);
      } catch {
        // A separator the server cannot compile either: let the server answer.
      }
      if (!result.valid) {
        problem.textContent = result.feedback;
        return;
      }
    }
    host.submit({ value });
  };
  if (request.multiline !== true) field.addEventListener("keydown", (e) => (e as KeyboardEvent).key === "Enter" && submit());
  return withShortcut(h("div", { className: "text-form" }, field, problem, submitBar(submit)), submit);
}

// ------------------------------------------------------------------ form

function fieldFor(name: string, schema: Record<string, unknown>, initial: unknown): { el: HTMLElement; read: () => unknown } {
  const title = String(schema.title ?? name);
  if (Array.isArray(schema.enum)) {
    const el = h("vscode-dropdown", { "aria-label": title }, schema.enum.map((v) => h("vscode-option", { value: String(v), selected: v === initial }, String(v))));
    return { el: h("label", { className: "field" }, h("span", {}, title), el), read: () => {
      const v = valueOf(el);
      return schema.enum ? (schema.enum as unknown[]).find((e) => String(e) === v) ?? v : v;
    } };
  }
  if (schema.type === "boolean") {
    const el = h("vscode-checkbox", { checked: initial === true }, title);
    return { el, read: () => (el as unknown as { checked: boolean }).checked };
  }
  if (schema.type === "number" || schema.type === "integer") {
    const el = h("vscode-text-field", { type: "number", value: initial === undefined || initial === null ? "" : String(initial) }, title);
    return { el, read: () => (valueOf(el) === "" ? null : schema.type === "integer" ? parseInt(valueOf(el), 10) : Number(valueOf(el))) };
  }
  if (schema.type === "array" || schema.type === "object") {
    const el = h("vscode-text-area", { rows: "3", value: initial === undefined ? "" : JSON.stringify(initial) }, `${title} (JSON)`);
    return { el, read: () => {
      try {
        return JSON.parse(valueOf(el));
      } catch {
        return valueOf(el);
      }
    } };
  }
  const ux = isObject(schema._ux) ? schema._ux : {};
  const el =
    ux.input_type === "textarea"
      ? h("vscode-text-area", { rows: String(ux.rows ?? 3), value: initial === undefined || initial === null ? "" : String(initial) }, title)
      : h("vscode-text-field", { value: initial === undefined || initial === null ? "" : String(initial) }, title);
  return { el, read: () => valueOf(el) };
}

function renderForm(request: Request, host: InteractionHost): HTMLElement {
  const formSchema = isObject(request.form_schema) ? request.form_schema : {};
  const properties = isObject(formSchema.properties) ? (formSchema.properties as Record<string, Record<string, unknown>>) : {};
  const display = isObject(request.display_data) ? request.display_data : {};
  const rows = Array.isArray(display.data) ? display.data : [{}];
  const defaults = Array.isArray(request.form_defaults) ? request.form_defaults : [];
  const readers: { row: number; name: string; read: () => unknown }[] = [];
  const form = h("div", { className: "form-form" });
  rows.forEach((row, i) => {
    const rowDefaults = isObject(defaults[i]) ? defaults[i] : {};
    const fieldset = h("fieldset", { className: "form-row" }, h("legend", {}, isObject(row) ? String(row.title ?? row.label ?? row.name ?? `Row ${i + 1}`) : `Row ${i + 1}`));
    for (const [name, schema] of Object.entries(properties)) {
      const field = fieldFor(name, isObject(schema) ? schema : {}, rowDefaults[name]);
      fieldset.append(field.el);
      readers.push({ row: i, name, read: field.read });
    }
    form.append(fieldset);
  });
  const submit = () => {
    const data = rows.map(() => ({}) as Record<string, unknown>);
    for (const r of readers) data[r.row][r.name] = r.read();
    host.submit({ form_data: data });
  };
  form.append(submitBar(submit, summaryLine(rows.length === 1 ? "1 row" : `${rows.length} rows`)));
  return withShortcut(form, submit);
}

// ------------------------------------------------------------------ files

function renderFileInput(request: Request, host: InteractionHost): HTMLElement {
  const display = isObject(request.display_data) ? request.display_data : {};
  const accept = Array.isArray(display.extensions) ? display.extensions.map(String) : [];
  let picked: { name: string; dataUrl: string } | null = null;
  const label = h("span", { className: "muted", id: "picked-file" }, "No file chosen");
  const summary = summaryLine("No file chosen");
  const problem = problemLine();
  const choose = async () => {
    const file = await host.pickFile(accept);
    if (file) {
      picked = file;
      label.textContent = `${file.name} (${file.size} bytes)`;
      summary.textContent = `File: ${file.name}`;
      problem.textContent = "";
    }
  };
  const submit = () => {
    if (!picked) {
      problem.textContent = "Choose a file first.";
      return;
    }
    // The file goes in `value`, its name in `file_path` (user.file_input's filename). Never in
    // `custom_value`: free text without a pick is the engine's retry shortcut (engine.md §4.4).
    host.submit({ value: picked.dataUrl, file_path: picked.name });
  };
  const extra = Array.isArray(request.extra_options) ? request.extra_options.filter(isObject) : [];
  return withShortcut(
    h(
      "div",
      { className: "file-form" },
      h("div", { className: "row" }, h("vscode-button", { appearance: "secondary", id: "choose-file", onclick: choose }, "Choose workspace file…"), label),
      accept.length > 0 ? h("p", { className: "muted" }, `Accepted: ${accept.join(", ")}`) : null,
      problem,
      submitBar(submit, summary, ...extra.map((o) => h("vscode-button", { appearance: "secondary", onclick: () => host.submit({ selected_options: [o] }) }, String(o.label ?? o.id)))),
    ),
    submit,
  );
}

function renderDownload(request: Request, host: InteractionHost): HTMLElement {
  const content = request.file_content;
  const preview = typeof content === "string" ? content : JSON.stringify(content, null, 2);
  return h(
    "div",
    { className: "download-form" },
    h("p", {}, "The module offers a file: ", h("code", {}, String(request.file_name ?? ""))),
    h("pre", { className: "preview" }, preview.length > 4000 ? `${preview.slice(0, 4000)}\n…` : preview),
    h("div", { className: "actions" }, h("vscode-button", { id: "save-download", onclick: () => host.saveDownload() }, "Save…"), h("vscode-button", { appearance: "secondary", onclick: () => host.submit({ file_written: false, file_error: "skipped by the user" }) }, "Skip")),
  );
}

// ------------------------------------------------------------------ dispatch

type Renderer = (request: Request, host: InteractionHost) => HTMLElement;

/** One renderer per interaction type (src/shared/interaction.ts): a type without one is a compile error. */
const RENDERERS: Record<InteractionType, Renderer> = {
  select_from_structured: renderSelect,
  review_grouped: renderSelect,
  text_input: renderText,
  form_input: renderForm,
  file_input: renderFileInput,
  file_download: renderDownload,
  media_generation: renderMedia,
};

/** A type the panel does not know: say so, and let the user answer with an empty response. */
function renderUnknown(type: string, host: InteractionHost): HTMLElement {
  return h("div", {}, h("p", {}, `Interaction type ${type}`), h("div", { className: "actions" }, submitButton(() => host.submit({}))));
}

export function renderInteraction(request: Request, host: InteractionHost): HTMLElement {
  const type = String(request.interaction_type ?? "");
  const title = h("h2", { className: "interaction-title" }, String(request.title ?? type));
  const body = isInteractionType(type) ? RENDERERS[type](request, host) : renderUnknown(type, host);
  return h("section", { className: `interaction interaction-${type}`, dataset: { type } }, title, body);
}
