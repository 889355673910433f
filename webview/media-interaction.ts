/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * media_generation (media.generateV2): a prompt per provider with its Generate button (disabled, with
 * a progress ring, while the module's generate sub-action runs), the generations as cards to pick from.
 */
import { clear, h } from "./dom";
import { isObject, problemLine, submitBar, summaryLine, valueOf, withShortcut, type InteractionHost } from "./form-parts";

type Request = Record<string, unknown>;

export function renderMedia(request: Request, host: InteractionHost): HTMLElement {
  const display = isObject(request.display_data) ? request.display_data : {};
  const data = isObject(display.data) ? display.data : {};
  const prompts = isObject(data.prompts) ? data.prompts : {};
  const generations: Record<string, Record<string, unknown>[]> = isObject(display.generations) ? (display.generations as Record<string, Record<string, unknown>[]>) : {};
  let selected: { id: string; content: Record<string, unknown> } | null = null;
  const problem = problemLine();
  const summary = summaryLine("Nothing selected");
  const list = h("div", { className: "generations" });
  const redraw = () => {
    clear(list);
    const all = Object.entries(generations).flatMap(([key, gens]) => (Array.isArray(gens) ? gens : []).flatMap((g) => contentsOf(g).map((c) => ({ key, c }))));
    if (all.length === 0) list.append(h("p", { className: "muted" }, "No generations yet: run Generate."));
    for (const { key, c } of all) {
      const id = String(c.id ?? c.content_id ?? c._id ?? "");
      const url = String(c.url ?? c.preview_url ?? c.local_path ?? "");
      const card = h(
        "div",
        { className: "card", role: "radio", tabindex: "0", "aria-checked": "false", dataset: { key: id } },
        h("div", { className: "card-title" }, `${key} · ${id.slice(0, 12)}`),
        url.startsWith("data:image/") ? h("img", { src: url, alt: id }) : h("div", { className: "card-subtitle" }, url),
      );
      const pick = () => {
        list.querySelectorAll(".card").forEach((x) => x.setAttribute("aria-checked", "false"));
        card.setAttribute("aria-checked", "true");
        selected = { id, content: c };
        summary.textContent = `Selected: ${key} · ${id.slice(0, 12)}`;
      };
      card.addEventListener("click", pick);
      card.addEventListener("keydown", (e) => (e.key === " " || e.key === "Enter") && pick());
      list.append(card);
    }
  };
  // The module's own generate action: the sub-action of type self_sub_action (cc: image_generation).
  const subActions = Array.isArray(display.sub_actions) ? display.sub_actions.filter(isObject) : [];
  const generateAction =
    subActions.find((a) => Array.isArray(a.actions) && isObject(a.actions[0]) && a.actions[0].type === "self_sub_action") ?? subActions[0];
  const promptRows = Object.entries(prompts).map(([provider, p]) => {
    const prompt = isObject(p) ? String(p.prompt ?? "") : String(p);
    const area = h("vscode-text-area", { rows: "3", value: prompt, resize: "vertical" }, `${provider} prompt`);
    const progress = h("span", { className: "generate-progress", role: "status", "aria-live": "polite" });
    const button = h("vscode-button", { appearance: "secondary", className: "generate", onclick: () => void generate() }, `Generate (${provider})`);
    const generate = async () => {
      if (!generateAction) {
        problem.textContent = "This module has no generate sub-action.";
        return;
      }
      if (button.hasAttribute("disabled")) return;
      // One generation at a time per prompt: the button is disabled and a ring spins until it answers.
      button.setAttribute("disabled", "");
      progress.replaceChildren(h("vscode-progress-ring", {}), ` ${String(generateAction.loading_label ?? "Generating…")}`);
      problem.textContent = "";
      let r: Awaited<ReturnType<InteractionHost["runSubAction"]>>;
      try {
        r = await host.runSubAction(String(generateAction.id), {
          provider,
          action_type: String(data.action_type ?? display.action_type ?? ""),
          prompt_id: provider,
          params: { prompt: valueOf(area) },
        });
      } finally {
        button.removeAttribute("disabled");
        progress.replaceChildren();
      }
      if (!r.ok) {
        problem.textContent = `Generate failed: ${r.error ?? ""}`;
        return;
      }
      problem.textContent = "";
      const result = (isObject(r.result?.sub_action_result) ? r.result.sub_action_result : (r.result ?? {})) as Record<string, unknown>;
      generations[provider] = [...(generations[provider] ?? []), { ...result, provider }];
      redraw();
    };
    return h("div", { className: "prompt" }, area, h("div", { className: "row" }, button, progress));
  });
  const submit = () => {
    if (!selected) {
      problem.textContent = "Pick a generation first.";
      return;
    }
    host.submit({ selected_content_id: selected.id, selected_content: selected.content, generations });
  };
  redraw();
  return withShortcut(h("div", { className: "media-form" }, promptRows, list, problem, submitBar(submit, summary)), submit);
}

/** The pickable items of a generation: `{content_ids, urls}` pairs (the media modules' shape), or nested contents. */
function contentsOf(generation: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(generation.content_ids)) {
    const urls = Array.isArray(generation.urls) ? generation.urls : [];
    return generation.content_ids.map((id, i) => ({ id: String(id), content_id: String(id), url: String(urls[i] ?? ""), metadata_id: generation.metadata_id, provider: generation.provider }));
  }
  const inner = generation.content ?? generation.contents ?? generation.results;
  if (Array.isArray(inner)) return inner.filter(isObject);
  return [generation];
}
