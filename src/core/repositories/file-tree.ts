/**
 * The `files` part of the full workflow state (engine.md 2.5): `workflow_files` grouped as
 * category → step → group → file, and completed media generations grouped by provider. URLs have the
 * original server's shape so a client built for it can show them.
 */
import type { Document, VirtualDb } from "../db/types";
import { Collections } from "./types";

export interface TreeNodeMeta {
  display_name: string;
  icon: string;
  leaf?: boolean;
  content_type?: string;
  content_url?: string | null;
  download_url?: string;
}

export interface TreeNode {
  _meta: TreeNodeMeta;
  children?: TreeNode[];
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Python `dict.get(key, default)`: the default only when the key is absent (an explicit null stays). */
function get<T>(doc: Document, key: string, fallback: T): unknown {
  return Object.prototype.hasOwnProperty.call(doc, key) ? doc[key] : fallback;
}

/** `strftime("%b %d, %H:%M")` of the stored (UTC) time; "Unknown" when there is none. */
export function formatTreeDate(value: unknown): string {
  if (!value) return "Unknown";
  // The original's exports hold naive UTC ISO strings (no zone); read them as UTC, not local time.
  const text = String(value);
  const date = value instanceof Date ? value : new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(date.getTime())) return text;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

function fileNodes(runId: string, category: string, stepId: string, groupId: unknown, files: Document[]): TreeNode[] {
  return files.map((file) => {
    const fileId = String(file.file_id);
    const filename = String(get(file, "filename", "unknown"));
    const contentType = get(file, "content_type", "text") as string;
    const icon = contentType === "json" || filename.endsWith(".json") ? "json" : "text";
    const downloadUrl = groupId
      ? `/workflow/${runId}/files/${category}/${stepId}/${String(groupId)}/${fileId}`
      : `/workflow/${runId}/files/${category}/${fileId}`;
    return {
      _meta: {
        display_name: filename,
        icon,
        leaf: true,
        content_type: contentType,
        content_url: `/workflow/${runId}/files/${fileId}`,
        download_url: downloadUrl,
      },
    };
  });
}

/** `files` must be the run's workflow files in creation order. */
export function buildFileTree(runId: string, files: Document[]): TreeNode[] {
  // Maps keep first-seen order for any key, null group ids included, as the original's dicts do.
  const categories = new Map<string, Map<string, Map<unknown, { createdAt: unknown; files: Document[] }>>>();
  for (const file of files) {
    const category = file.category as string | undefined;
    if (!category) continue;
    const metadata = (get(file, "metadata", {}) ?? {}) as Document;
    const stepId = (metadata.step_id as string | undefined) || "_ungrouped";
    const groupId = file.group_id ?? null;
    let steps = categories.get(category);
    if (!steps) categories.set(category, (steps = new Map()));
    let groups = steps.get(stepId);
    if (!groups) steps.set(stepId, (groups = new Map()));
    let group = groups.get(groupId);
    if (!group) groups.set(groupId, (group = { createdAt: file.created_at, files: [] }));
    group.files.push(file);
  }

  const tree: TreeNode[] = [];
  for (const [category, steps] of categories) {
    const categoryChildren: TreeNode[] = [];
    for (const [stepId, groups] of steps) {
      const stepChildren: TreeNode[] = [];
      const showGroups = groups.size > 1;
      for (const [groupId, group] of groups) {
        const nodes = fileNodes(runId, category, stepId, groupId, group.files);
        if (showGroups && groupId) {
          stepChildren.push({
            _meta: {
              display_name: formatTreeDate(group.createdAt),
              icon: "folder",
              download_url: `/workflow/${runId}/files/${category}/${stepId}/${String(groupId)}/download`,
            },
            children: nodes,
          });
        } else {
          stepChildren.push(...nodes);
        }
      }
      if (stepId === "_ungrouped") {
        categoryChildren.push(...stepChildren);
      } else {
        categoryChildren.push({
          _meta: { display_name: stepId, icon: "folder", download_url: `/workflow/${runId}/files/${category}/${stepId}/download` },
          children: stepChildren,
        });
      }
    }
    tree.push({
      _meta: { display_name: category, icon: "folder", download_url: `/workflow/${runId}/files/${category}/download` },
      children: categoryChildren,
    });
  }
  return tree;
}

/** Completed generations of the run, grouped by provider; one generation is shown flat. */
export function buildMediaTree(runId: string, db: VirtualDb): TreeNode[] {
  const generations = db
    .collection(Collections.contentGenerationMetadata)
    .find(
      { workflow_run_id: runId, status: "completed" },
      { sort: [["created_at", 1], ["content_generation_metadata_id", 1]] },
    );
  const contents = db.collection(Collections.generatedContent);
  const providers = new Map<string, TreeNode[]>();

  for (const generation of generations) {
    const provider = String(get(generation, "provider", "unknown"));
    const metadataId = generation.content_generation_metadata_id as string;
    const items = contents.find({ content_generation_metadata_id: metadataId }, { sort: { index: 1 } });
    const nodes: TreeNode[] = [];
    for (const item of items) {
      const contentId = String(item.generated_content_id);
      const extension = (get(item, "extension", "") as string | null) ?? "";
      const contentType = get(item, "content_type", "image") as string;
      // Video previews are reached through their video.
      if (contentType === "video.preview") continue;
      nodes.push({
        _meta: {
          display_name: extension ? `${contentId}.${extension}` : contentId,
          icon: contentType === "video" ? "video" : contentType === "audio" ? "audio" : "image",
          leaf: true,
          content_type: contentType,
          content_url: item.local_path && extension ? `/workflow/${runId}/media/${contentId}.${extension}` : null,
          download_url: `/workflow/${runId}/media/${provider}/${metadataId}/${contentId}`,
        },
      });
    }
    if (nodes.length === 0) continue;
    let groups = providers.get(provider);
    if (!groups) providers.set(provider, (groups = []));
    groups.push({
      _meta: {
        display_name: formatTreeDate(generation.created_at),
        icon: "folder",
        download_url: `/workflow/${runId}/media/${provider}/${metadataId}/download`,
      },
      children: nodes,
    });
  }

  return [...providers].map(([provider, groups]) => ({
    _meta: { display_name: provider, icon: "folder", download_url: `/workflow/${runId}/media/${provider}/download` },
    children: groups.length === 1 ? groups[0].children : groups,
  }));
}
