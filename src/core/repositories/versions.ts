/**
 * Workflow templates and versions (engine.md 1.10, 2.2). A version is identified inside its template
 * by its content hash, so storing the same workflow twice gives the same version.
 */
import { createHash } from "node:crypto";
import type { VirtualDb } from "../db/types";
import { WfvError } from "../errors";
import { expandExecutionGroups } from "./execution-groups";
import { newPrefixedId, newShortTemplateId } from "./ids";
import { pythonJsonDumps } from "../python/json-dumps";
import {
  Collections,
  type CapabilityRequirement,
  type TemplateDocument,
  type VersionDocument,
  type VersionType,
} from "./types";

type Json = Record<string, unknown>;

export interface StoredVersions {
  /** The source version: `raw`, or `unresolved` when execution groups were expanded. */
  workflowVersionId: string;
  workflowTemplateId: string;
  isNew: boolean;
}

export interface VersionRepository {
  /** Templates of scope `user` (a legacy template without scope counts as one and is upgraded). */
  getOrCreateTemplate(workflowTemplateName: string, userId: string): { workflowTemplateId: string; isNew: boolean };
  /**
   * The history mixin's variant used by the usage-history addon: matches on name and user only and
   * creates `{workflow_template_id: tpl_<12hex>, user_id, workflow_template_name, created_at, updated_at}`.
   */
  getOrCreateWorkflowTemplate(workflowTemplateName: string, userId: string): string;
  getTemplateById(workflowTemplateId: string): TemplateDocument | null;
  getTemplateByName(workflowTemplateName: string, userId: string): TemplateDocument | null;
  getOrCreateWorkflowVersion(input: {
    contentHash: string;
    sourceType: string;
    resolvedWorkflow: Json;
    workflowTemplateName: string;
    userId: string;
  }): StoredVersions;
  getWorkflowVersionById(workflowVersionId: string): VersionDocument | null;
  getVersionByContentHash(workflowTemplateId: string, contentHash: string): VersionDocument | null;
  getResolvedWorkflow(workflowVersionId: string): Json | null;
  /** The newest `raw`/`unresolved` version of a template (by id, which is time-ordered). */
  getLatestSourceVersion(workflowTemplateName: string, userId: string): VersionDocument | null;
  /** Get-or-create by content hash (default: `sha256:` + sha256 of Python `json.dumps(wf, sort_keys=True)`). */
  createResolvedVersion(input: {
    workflowTemplateId: string;
    resolvedWorkflow: Json;
    parentWorkflowVersionId: string;
    requires: CapabilityRequirement[];
    contentHash?: string;
  }): string;
  setVersionType(workflowVersionId: string, versionType: VersionType): void;
  /**
   * The best `resolved` child of a source whose requirements the capabilities cover (highest summed
   * priority), else the source itself; null when the source does not exist. An `unresolved` result
   * cannot run and raises.
   */
  getVersionForCapabilities(sourceVersionId: string, capabilities: readonly string[]): VersionDocument | null;
  /** engine.md 1.10: template, source version, and one resolved child per execution-group combination. */
  processAndStoreWorkflowVersions(
    resolvedWorkflow: Json,
    contentHash: string,
    sourceType: string,
    workflowTemplateName: string,
    userId: string,
  ): StoredVersions;
}

/** The real server's hash of a JSON workflow: `sha256:` + sha256 of `json.dumps(wf, sort_keys=True)`. */
export function serverContentHash(workflow: unknown): string {
  const text = pythonJsonDumps(workflow, { sortKeys: true });
  // node:crypto is a computation, not I/O (see src/core/workflow/content-hash.ts).
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

export function createVersionRepository(db: VirtualDb): VersionRepository {
  const templates = () => db.collection(Collections.workflowTemplates);
  const versions = () => db.collection(Collections.workflowVersions);

  const getWorkflowVersionById = (id: string) =>
    versions().findOne({ workflow_version_id: id }) as VersionDocument | null;

  const getOrCreateTemplate = (workflowTemplateName: string, userId: string) => {
    const existing = templates().findOne({
      workflow_template_name: workflowTemplateName,
      user_id: userId,
      $or: [{ scope: { $exists: false } }, { scope: "user" }],
    }) as TemplateDocument | null;
    if (existing) {
      const upgrades: Json = {};
      if (!("scope" in existing)) upgrades.scope = "user";
      if (!("visibility" in existing)) upgrades.visibility = "visible";
      if (Object.keys(upgrades).length > 0) {
        templates().updateOne({ workflow_template_id: existing.workflow_template_id }, { $set: upgrades });
      }
      return { workflowTemplateId: existing.workflow_template_id, isNew: false };
    }
    const workflowTemplateId = newPrefixedId(db, "tpl");
    const now = db.now();
    templates().insertOne({
      workflow_template_id: workflowTemplateId,
      workflow_template_name: workflowTemplateName,
      user_id: userId,
      scope: "user",
      visibility: "visible",
      created_at: now,
      updated_at: now,
    });
    return { workflowTemplateId, isNew: true };
  };

  const getVersionByContentHash = (workflowTemplateId: string, contentHash: string) =>
    versions().findOne({ workflow_template_id: workflowTemplateId, content_hash: contentHash }) as VersionDocument | null;

  const getOrCreateWorkflowVersion: VersionRepository["getOrCreateWorkflowVersion"] = (input) => {
    const { workflowTemplateId } = getOrCreateTemplate(input.workflowTemplateName, input.userId);
    const existing = getVersionByContentHash(workflowTemplateId, input.contentHash);
    if (existing) return { workflowVersionId: existing.workflow_version_id, workflowTemplateId, isNew: false };
    const workflowVersionId = newPrefixedId(db, "ver");
    versions().insertOne({
      workflow_version_id: workflowVersionId,
      workflow_template_id: workflowTemplateId,
      content_hash: input.contentHash,
      source_type: input.sourceType,
      version_type: "raw",
      resolved_workflow: input.resolvedWorkflow,
      created_at: db.now(),
    });
    return { workflowVersionId, workflowTemplateId, isNew: true };
  };

  const createResolvedVersion: VersionRepository["createResolvedVersion"] = (input) => {
    const contentHash = input.contentHash || serverContentHash(input.resolvedWorkflow);
    const existing = getVersionByContentHash(input.workflowTemplateId, contentHash);
    if (existing) return existing.workflow_version_id;
    const workflowVersionId = newPrefixedId(db, "ver");
    versions().insertOne({
      workflow_version_id: workflowVersionId,
      workflow_template_id: input.workflowTemplateId,
      content_hash: contentHash,
      source_type: "json",
      version_type: "resolved",
      parent_workflow_version_id: input.parentWorkflowVersionId,
      requires: input.requires,
      resolved_workflow: input.resolvedWorkflow,
      created_at: db.now(),
    });
    return workflowVersionId;
  };

  const setVersionType = (workflowVersionId: string, versionType: VersionType) => {
    versions().updateOne({ workflow_version_id: workflowVersionId }, { $set: { version_type: versionType } });
  };

  return {
    getOrCreateTemplate,

    getOrCreateWorkflowTemplate(workflowTemplateName, userId) {
      const existing = templates().findOne({ user_id: userId, workflow_template_name: workflowTemplateName });
      if (existing) return existing.workflow_template_id as string;
      const workflowTemplateId = newShortTemplateId(db);
      const now = db.now();
      templates().insertOne({
        workflow_template_id: workflowTemplateId,
        user_id: userId,
        workflow_template_name: workflowTemplateName,
        created_at: now,
        updated_at: now,
      });
      return workflowTemplateId;
    },

    getTemplateById(workflowTemplateId) {
      return templates().findOne({ workflow_template_id: workflowTemplateId }) as TemplateDocument | null;
    },

    getTemplateByName(workflowTemplateName, userId) {
      return templates().findOne({
        user_id: userId,
        workflow_template_name: workflowTemplateName,
      }) as TemplateDocument | null;
    },

    getOrCreateWorkflowVersion,
    getWorkflowVersionById,
    getVersionByContentHash,

    getResolvedWorkflow(workflowVersionId) {
      const version = versions().findOne(
        { workflow_version_id: workflowVersionId },
        { projection: { resolved_workflow: 1 } },
      );
      return (version?.resolved_workflow as Json | undefined) ?? null;
    },

    getLatestSourceVersion(workflowTemplateName, userId) {
      const template = templates().findOne({ workflow_template_name: workflowTemplateName, user_id: userId });
      if (!template) return null;
      return versions().findOne(
        { workflow_template_id: template.workflow_template_id, version_type: { $in: ["raw", "unresolved"] } },
        { sort: { workflow_version_id: -1 } },
      ) as VersionDocument | null;
    },

    createResolvedVersion,
    setVersionType,

    getVersionForCapabilities(sourceVersionId, capabilities) {
      const source = getWorkflowVersionById(sourceVersionId);
      if (!source) return null;
      const available = new Set(capabilities);
      const candidates = (
        versions().find({
          parent_workflow_version_id: sourceVersionId,
          version_type: "resolved",
        }) as unknown as VersionDocument[]
      )
        .filter((child) => (child.requires ?? []).every((req) => available.has(req.capability)))
        .map((child) => ({
          child,
          score: (child.requires ?? []).reduce((sum, req) => sum + (req.priority ?? 0), 0),
        }));
      // Stable sort: among equal scores the first stored child wins, as Mongo's natural order gives.
      candidates.sort((a, b) => b.score - a.score);
      const chosen = candidates[0]?.child ?? source;
      if (chosen.version_type === "unresolved") {
        throw new WfvError(
          "workflow_invalid",
          `Cannot use unresolved version ${chosen.workflow_version_id} for workflow run.`,
          { workflow_version_id: chosen.workflow_version_id, capabilities: [...capabilities] },
        );
      }
      return chosen;
    },

    processAndStoreWorkflowVersions(resolvedWorkflow, contentHash, sourceType, workflowTemplateName, userId) {
      const stored = getOrCreateWorkflowVersion({
        contentHash,
        sourceType,
        resolvedWorkflow,
        workflowTemplateName,
        userId,
      });
      if (!stored.isNew) return stored;
      let hasExecutionGroups = false;
      for (const variant of expandExecutionGroups(resolvedWorkflow)) {
        if (Object.keys(variant.selectedPaths).length === 0) continue;
        hasExecutionGroups = true;
        createResolvedVersion({
          workflowTemplateId: stored.workflowTemplateId,
          resolvedWorkflow: variant.flattenedWorkflow,
          parentWorkflowVersionId: stored.workflowVersionId,
          requires: variant.requires,
        });
      }
      if (hasExecutionGroups) setVersionType(stored.workflowVersionId, "unresolved");
      return stored;
    },
  };
}
