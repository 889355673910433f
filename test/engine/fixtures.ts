/**
 * Workflows for the engine tests: the cc fixture and a small purpose-built workflow made of the
 * registered modules (text input → LLM (mock) → review select with retry/jump/validation → query →
 * text input), plus helpers to read a session's events.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { VirtualSession } from "../../src/core/virtual";
import { fixturesDir } from "../helpers/paths";

export function loadCcWorkflow(): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(fixturesDir, "cc_resolved_workflow.json"), "utf8"));
}

export const TOPIC_STEP = "ideas";
export const SHAPE_STEP = "finish";

/** A small workflow over the five registered modules; every call returns a fresh copy. */
export function miniWorkflow(): Record<string, any> {
  return {
    workflow_id: "mini",
    name: "Mini",
    config: { tone: "calm" },
    steps: [
      {
        step_id: TOPIC_STEP,
        name: "Step {step_number}: Ideas",
        modules: [
          {
            module_id: "user.text_input",
            name: "ask_topic",
            inputs: { prompt: "Topic?" },
            outputs_to_state: { value: "topic" },
          },
          {
            module_id: "api.llm",
            name: "generate_ideas",
            inputs: {
              resolver_schema: { type: "object", properties: { input: { resolver: "server" }, metadata: { resolver: "server" } } },
              input: "Ideas about {{ state.topic }} in a {{ config.tone }} tone",
              metadata: { step_id: "{{ step.step_id }}" },
              output_schema: {
                type: "object",
                properties: {
                  ideas: {
                    type: "array",
                    items: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
                  },
                },
                required: ["ideas"],
              },
            },
            outputs_to_state: { response: "ideas" },
          },
          {
            module_id: "user.select",
            name: "pick_idea",
            inputs: {
              resolver_schema: { type: "object", properties: { data: { resolver: "server" } } },
              prompt: "Pick an idea",
              data: "{{ state.ideas }}",
              schema: {
                type: "object",
                properties: {
                  ideas: {
                    type: "array",
                    items: { type: "object", _ux: { selectable: true }, properties: { title: { type: "string" } } },
                  },
                },
              },
              mode: "review",
            },
            outputs_to_state: { selected_data: "picked", selected_indices: "picked_indices" },
            retryable: {
              default_option: "continue",
              options: [
                {
                  id: "continue",
                  mode: "continue",
                  validations: [{ id: "need_pick", rule: "min_selections", min: 1, severity: "error", message: "Pick one idea" }],
                },
                { id: "retry", mode: "retry", target_module: "generate_ideas", feedback: { default_message: "Different ideas please" } },
                { id: "change_topic", mode: "jump", target_step: TOPIC_STEP, target_module: "ask_topic" },
              ],
            },
            sub_actions: [
              {
                id: "more_ideas",
                loading_label: "Generating more ideas...",
                actions: [{ type: "target_sub_action", ref: { step_id: TOPIC_STEP, module_name: "generate_ideas" } }],
                result_mapping: [{ source: "ideas.ideas", target: "ideas.ideas", mode: "merge" }],
                feedback: { state_key: "_more_feedback" },
              },
            ],
          },
        ],
      },
      {
        step_id: SHAPE_STEP,
        name: "Step {step_number}: Finish",
        modules: [
          {
            module_id: "transform.query",
            name: "titles",
            inputs: {
              resolver_schema: { type: "object", properties: { data: { resolver: "server" } } },
              data: ["{{ state.picked }}"],
              pipeline: [{ $project: { title: 1 } }],
            },
            outputs_to_state: { result: "titles" },
          },
          {
            module_id: "user.text_input",
            name: "confirm",
            inputs: { resolver_schema: { type: "object", properties: { prompt: { resolver: "server" } } }, prompt: "Keep {{ state.titles[0].title }}?" },
            outputs_to_state: { value: "confirmed" },
          },
        ],
      },
    ],
  };
}

export interface EventSummary {
  type: string;
  step: string | null;
  module: string | null;
}

/** The run's events on every branch as `type step/module` lines, in event_id order. */
export function eventLines(session: VirtualSession, lineageOnly = false): string[] {
  const runId = session.findRunId();
  if (!runId) return [];
  const events = lineageOnly ? session.repos.events.getLineageEvents(runId) : session.repos.events.getEvents(runId);
  return events.map((event) => `${event.event_type}${event.step_id ? ` ${event.step_id}` : ""}${event.module_name ? `/${event.module_name}` : ""}`);
}
