/**
 * The option-usage history the usage_history addon reads and writes (the original's history mixin),
 * over the virtual DB: `workflow_templates` (get-or-create by name and user) and `option_usage`
 * (`updated_at`/`created_at` stored as real Dates, ruling 13).
 */
import { newShortTemplateId } from "../../repositories/ids";
import type { ModuleDb } from "../types";

const TEMPLATES = "workflow_templates";
const OPTION_USAGE = "option_usage";

/** `get_or_create_workflow_template`: finds by user and name (adding a missing scope/visibility) or inserts. */
export function getOrCreateWorkflowTemplate(db: ModuleDb, workflowTemplateName: string, userId: string, now: Date): string {
  const templates = db.collection(TEMPLATES);
  const existing = templates.findOne({ user_id: userId, workflow_template_name: workflowTemplateName });
  if (existing) {
    const missing: Record<string, unknown> = {};
    if (existing.scope === undefined) missing.scope = "user";
    if (existing.visibility === undefined) missing.visibility = "visible";
    if (Object.keys(missing).length > 0) templates.updateOne({ workflow_template_id: existing.workflow_template_id }, { $set: missing });
    return String(existing.workflow_template_id);
  }
  const workflowTemplateId = newShortTemplateId(db.virtual);
  templates.insertOne({
    workflow_template_id: workflowTemplateId,
    user_id: userId,
    workflow_template_name: workflowTemplateName,
    created_at: now,
    updated_at: now,
    scope: "user",
    visibility: "visible",
  });
  return workflowTemplateId;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** `$dateToString` with `%Y-%m-%dT%H:%M:%S.%LZ` (UTC). */
export function formatUsageTimestamp(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}

/**
 * `get_option_usage`: option key → last use as `YYYY-MM-DDTHH:MM:SS.mmmZ`. The original aggregates
 * with `$dateToString`; documents imported from an original blob may hold ISO strings instead of
 * Dates (ruling 13), which are passed through rather than failing the whole addon.
 */
export function getOptionUsage(db: ModuleDb, workflowTemplateName: string, stepId: string, moduleName: string | null, userId: string, now: Date): Record<string, string> {
  const workflowTemplateId = getOrCreateWorkflowTemplate(db, workflowTemplateName, userId, now);
  const documents = db.collection(OPTION_USAGE).find({
    workflow_template_id: workflowTemplateId,
    step_id: stepId,
    module_name: moduleName,
    option: { $exists: true, $ne: null },
    updated_at: { $exists: true, $ne: null },
  });
  const history: Record<string, string> = {};
  for (const document of documents) {
    const updatedAt = document.updated_at;
    history[String(document.option)] = updatedAt instanceof Date ? formatUsageTimestamp(updatedAt) : String(updatedAt);
  }
  return history;
}

/** `update_option_usage`: upserts the option's `updated_at` (and `created_at` on insert). */
export function updateOptionUsage(
  db: ModuleDb,
  workflowTemplateName: string,
  stepId: string,
  moduleName: string | null,
  option: string,
  usedAt: Date,
  userId: string,
): void {
  const workflowTemplateId = getOrCreateWorkflowTemplate(db, workflowTemplateName, userId, usedAt);
  const collection = db.collection(OPTION_USAGE);
  collection.createIndex({ workflow_template_id: 1, step_id: 1, module_name: 1, option: 1 }, { unique: true });
  collection.updateOne(
    { workflow_template_id: workflowTemplateId, step_id: stepId, module_name: moduleName, option },
    { $set: { updated_at: usedAt }, $setOnInsert: { created_at: usedAt } },
    { upsert: true },
  );
}
