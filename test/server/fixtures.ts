/** Workflow folders written to a temp dir for the language-server tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempWorkspace {
  root: string;
  path(rel: string): string;
  write(rel: string, text: string): string;
  remove(): void;
}

export function tempWorkspace(files: Record<string, string>): TempWorkspace {
  const root = mkdtempSync(join(tmpdir(), "wfv-lsp-"));
  const ws: TempWorkspace = {
    root,
    path: (rel) => join(root, ...rel.split("/")),
    write(rel, text) {
      const file = ws.path(rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const [rel, text] of Object.entries(files)) ws.write(rel, text);
  return ws;
}

/**
 * One workflow with a problem of every kind the server reports (the workflow lives in `wf/`, so
 * `../outside.json` leaves its folder).
 */
export const DIAGNOSTICS_WORKSPACE: Record<string, string> = {
  "outside.json": `{"step_id": "outside", "modules": []}`,
  "wf/workflow.json": String.raw`{
  "workflow_id": "demo",
  "status_display": {"fields": [{"id": "a", "label": "A", "value": "{{ state.nowhere }}"}]},
  "steps": [
    {"$ref": "steps/intro.json", "type": "json"},
    {
      "step_id": "main",
      "modules": [
        {"module_id": "user.selec", "name": "pick", "inputs": {"data": [], "schema": {}}},
        {
          "module_id": "user.select",
          "name": "choose",
          "inputs": {
            "resolver_schema": {"type": "object", "properties": {"data": {"resolver": "server"}, "prompt": {"resolver": "server"}}},
            "data": "{{ state.later_key }}",
            "prompt": "Line\n\"q\" \u00e9 {{ state.topic | upper }} {{ 1 + }}",
            "promt": "x",
            "schema": {"display_format": "{{ value | join(', ') }}"}
          },
          "outputs_to_state": {"selected_data": "choice", "selectd_indices": "idx"},
          "retryable": {"options": [{"id": "back", "mode": "jump", "target_step": "intro", "target_module": "ask_topc"}]},
          "sub_actions": [{"id": "more", "actions": [{"type": "target_sub_action", "ref": {"step_id": "mian", "module_name": "pick"}}]}]
        },
        {
          "module_id": "api.llm",
          "name": "choose",
          "inputs": {
            "resolver_schema": {"type": "object", "properties": {"input": {"resolver": "server"}}},
            "input": {"$ref": "prompts/user.txt", "type": "jinja2"}
          },
          "outputs_to_state": {"response": "later_key"}
        },
        {"module_id": "user.select", "name": "nodata", "inputs": {"schema": {}}}
      ]
    },
    {"$ref": "steps/missing.json", "type": "json"},
    {"$ref": "steps/broken.json", "type": "json"},
    {"$ref": "steps/loop.json", "type": "json"},
    {"$ref": "../outside.json", "type": "json"},
    {"modules": []}
  ]
}
`,
  "wf/steps/intro.json": `{
  "step_id": "intro",
  "modules": [
    {"module_id": "user.text_input", "name": "ask_topic", "inputs": {"prompt": "Topic?"}, "outputs_to_state": {"value": "topic"}}
  ]
}
`,
  "wf/prompts/user.txt": "Hello {{ state.topic }}\r\n{% if state.choice %}x{% endfor %}\r\n",
  "wf/steps/broken.json": `{ "step_id": "b", }`,
  "wf/steps/loop.json": `{"step_id": "l", "modules": [{"module_id": "transform.extract", "name": "lp", "inputs": {"x": {"$ref": "loop.json", "type": "json"}}}]}`,
};

/** A workflow whose second step is a step file with templates, a schema ref and a prompt file. */
export const FEATURES_WORKSPACE: Record<string, string> = {
  "wf/workflow.json": `{
  "workflow_id": "feat",
  "steps": [
    {"$ref": "steps/one.json", "type": "json"},
    {"$ref": "steps/two.json", "type": "json"}
  ]
}
`,
  "wf/steps/one.json": `{
  "step_id": "one",
  "modules": [
    {"module_id": "user.text_input", "name": "ask", "inputs": {"prompt": "Colors?"}, "outputs_to_state": {"value": "colors"}}
  ]
}
`,
  "wf/steps/two.json": `{
  "step_id": "two",
  "modules": [
    {
      "module_id": "user.select",
      "name": "pick",
      "inputs": {
        "resolver_schema": {"type": "object", "properties": {"data": {"resolver": "server"}, "prompt": {"resolver": "server"}}},
        "data": "{{ state.colors }}",
        "prompt": "Pick one of {{ state.ask.value }}",
        "schema": {"$ref": "../schemas/s.json", "type": "json"}
      },
      "outputs_to_state": {"selected_data": "picked"},
      "retryable": {"options": [{"id": "back", "mode": "jump", "target_step": "one", "target_module": "ask"}]}
    },
    {
      "module_id": "api.llm",
      "name": "describe",
      "inputs": {
        "resolver_schema": {"type": "object", "properties": {"input": {"resolver": "server"}}},
        "input": {"$ref": "../prompts/p.txt", "type": "jinja2"}
      },
      "outputs_to_state": {"response": "description"}
    }
  ]
}
`,
  "wf/schemas/s.json": `{"type": "object"}\n`,
  "wf/prompts/p.txt": "Describe {{ state.picked }} in {{ state.colors | upper }}.\n",
  "lone/step.json": `{"step_id": "lone", "modules": [{"module_id": "io.render_template", "name": "r", "inputs": {"resolver_schema": {"type": "object", "properties": {"template": {"resolver": "server"}}}, "template": "{{ state.colors }}"}}]}\n`,
};
