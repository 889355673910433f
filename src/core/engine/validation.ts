/**
 * Server-side validation of a retryable option's rules (engine.md §1.6, `workflow/validation.py`),
 * run on respond when the answer names an `action_id`. A failed validation stores nothing (ruling 6).
 */
import { isTruthy } from "../python/builtins";
import type { Retryable, ValidationRule } from "../workflow/model";
import type { InteractionResponseData, ValidationMessage } from "./types";

export interface ValidationOutcome {
  valid: boolean;
  errors: ValidationMessage[];
  warnings: ValidationMessage[];
}

/** The dict the server validates: only these fields of the answer, with the original's defaults. */
function responseDict(response: InteractionResponseData): Record<string, unknown> {
  return {
    selected_content_id: response.selected_content_id ?? null,
    generations: response.generations ?? {},
    selected_indices: response.selected_indices ?? [],
    selected_options: response.selected_options ?? [],
    value: response.value ?? null,
    form_data: response.form_data ?? [],
  };
}

function pyEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function rulePasses(rule: ValidationRule, response: Record<string, unknown>): boolean | undefined {
  const field = rule.field ?? "";
  const value = Object.prototype.hasOwnProperty.call(response, field) ? response[field] : null;
  switch (rule.rule) {
    case "response_field_required":
      return value !== null && value !== undefined;
    case "response_field_not_empty":
      if (value === null || value === undefined) return false;
      if (Array.isArray(value)) return value.length > 0;
      if (typeof value === "object") return Object.keys(value).length > 0;
      return isTruthy(value);
    case "response_field_equals":
      return pyEqual(value, (rule as Record<string, unknown>).value);
    case "min_selections": {
      const min = typeof rule.min === "number" ? rule.min : 1;
      const indices = response.selected_indices;
      return (Array.isArray(indices) ? indices.length : 0) >= min;
    }
    default:
      return undefined; // unknown rules are skipped
  }
}

/** Validates `response` against the option whose id is `response.action_id`; valid when there is none. */
export function validateRetryableAction(retryable: Retryable | undefined | null, response: InteractionResponseData): ValidationOutcome {
  const outcome: ValidationOutcome = { valid: true, errors: [], warnings: [] };
  const actionId = response.action_id;
  if (!actionId || !retryable) return outcome;
  const option = (retryable.options ?? []).find((candidate) => candidate.id === actionId);
  const rules = option?.validations ?? [];
  if (rules.length === 0) return outcome;

  const answer = responseDict(response);
  const confirmed = new Set(response.confirmed_warnings ?? []);
  for (const rule of rules) {
    const validator = rule.validator ?? ["webui", "server"];
    if (!validator.includes("server")) continue;
    const passes = rulePasses(rule, answer);
    if (passes !== false) continue;
    const severity = rule.severity ?? "error";
    const message: ValidationMessage = {
      id: rule.id ?? null,
      field: rule.field ?? null,
      rule: rule.rule ?? null,
      message: rule.message ?? "Validation failed",
      severity,
    };
    if (severity === "warning") {
      if (rule.id !== undefined && confirmed.has(rule.id)) continue;
      outcome.warnings.push(message);
    } else {
      outcome.errors.push(message);
    }
  }
  outcome.valid = outcome.errors.length === 0 && outcome.warnings.length === 0;
  return outcome;
}
