/**
 * The zod model's issues (core's `workflowSchema` / `stepSchema`) on the value the engine's resolver
 * would produce, each reported at the node it is about, followed through `$ref`s. Steps are checked
 * one by one (as the workflow schema would) so that a step an edit did not touch reuses its result.
 */
import { z } from "zod";
import { formatJsonPath } from "../../core/workflow/json-path";
import { stepSchema, workflowSchema } from "../../core/workflow/model";
import { DiagnosticCodes } from "../../shared/lsp";
import { Severity, type DiagnosticList } from "./diagnostics";
import { findProperty, isArrayNode, nodeVersion, properties, propertyKey, type Node } from "./json-tree";
import type { Loc, RefResolver } from "./refs";

interface SchemaIssue {
  segments: PropertyKey[];
  message: string;
}

/** The workflow schema with steps left to {@link stepSchema}, one step at a time. */
const topLevelSchema = workflowSchema.extend({ steps: z.array(z.unknown()).min(1) });
const stepIssueCache = new WeakMap<Node, { version: number; issues: SchemaIssue[] }>();

/** Reports the schema issues of the workflow (or the lone step file) at `rootLoc`. */
export function checkSchema(files: RefResolver, diagnostics: DiagnosticList, rootLoc: Loc, standaloneStep: boolean): void {
  // The walk resolves, and so checks, every $ref before any issue is placed.
  const issues = standaloneStep ? stepIssues(files, rootLoc) : workflowIssues(files, rootLoc);
  for (const issue of issues) reportIssue(files, diagnostics, rootLoc, issue.segments, issue.message);
}

function workflowIssues(files: RefResolver, rootLoc: Loc): SchemaIssue[] {
  const root = files.deref(rootLoc);
  if (root.kind !== "node" || root.loc.node.type !== "object") return schemaIssues(workflowSchema, files.resolveValue(rootLoc));
  const top: Record<string, unknown> = {};
  let stepItems: Node[] | undefined;
  let stepsLoc: Loc | undefined;
  for (const property of properties(root.loc.node)) {
    const key = propertyKey(property);
    const child = property.children?.[1];
    if (key === undefined || !child) continue;
    const childLoc: Loc = { file: root.loc.file, node: child, chain: root.loc.chain };
    if (key === "steps") {
      const d = files.deref(childLoc);
      if (d.kind === "node" && d.loc.node.type === "array") {
        stepItems = d.loc.node.children ?? [];
        stepsLoc = d.loc;
        top.steps = stepItems.map(() => null);
        continue;
      }
    }
    const value = files.resolveValue(childLoc);
    if (key === "__proto__") Object.defineProperty(top, key, { value, enumerable: true, writable: true, configurable: true });
    else top[key] = value;
  }
  const issues = schemaIssues(topLevelSchema, top);
  stepItems?.forEach((item, index) => {
    for (const issue of stepIssues(files, { file: stepsLoc!.file, node: item, chain: stepsLoc!.chain })) {
      issues.push({ segments: ["steps", index, ...issue.segments], message: issue.message });
    }
  });
  return issues;
}

function stepIssues(files: RefResolver, loc: Loc): SchemaIssue[] {
  const d = files.deref(loc);
  if (d.kind === "failed") return [];
  const parsed = d.kind === "node" ? files.parse(d.loc.file) : undefined;
  // A step node with no refs below: its issues stand while the node is unchanged (same object, same version).
  const node = d.kind === "node" && parsed !== undefined && parsed.errors.length === 0 && !parsed.refAncestors.has(d.loc.node) ? d.loc.node : undefined;
  const hit = node ? stepIssueCache.get(node) : undefined;
  if (hit && hit.version === nodeVersion(node!)) return hit.issues;
  const issues = schemaIssues(stepSchema, files.resolveValue(loc));
  if (node) stepIssueCache.set(node, { version: nodeVersion(node), issues });
  return issues;
}

function schemaIssues(schema: z.ZodType, value: unknown): SchemaIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ segments: issue.path, message: issue.message }));
}

/** Follows the issue's path from the root (through refs) to the node it is about. */
function reportIssue(files: RefResolver, diagnostics: DiagnosticList, rootLoc: Loc, segments: PropertyKey[], message: string): void {
  const at = (file: string, node: Node, text: string, opening = false): void => {
    const end = opening ? node.offset + 1 : node.offset + node.length;
    diagnostics.report({ file, start: node.offset, end, severity: Severity.Error, code: DiagnosticCodes.schema, message: `${text} (${formatJsonPath(segments)})` });
  };
  let current = rootLoc;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const d = files.deref(current);
    if (d.kind === "failed") return; // already reported at the ref
    if (d.kind === "text") return at(d.refLoc.file, d.refLoc.node, message);
    const node = d.loc.node;
    if (typeof segment === "number") {
      const child = isArrayNode(node) ? node.children?.[segment] : undefined;
      if (!child) return at(d.loc.file, node, message);
      current = { ...d.loc, node: child };
    } else {
      const property = findProperty(node, String(segment));
      if (!property) {
        const what = message.includes("received undefined") ? `Missing required property '${String(segment)}'` : `'${String(segment)}': ${message}`;
        return at(d.loc.file, node, what, true);
      }
      current = { ...d.loc, node: property.children?.[1] ?? property };
    }
  }
  if (files.deref(current).kind === "failed") return;
  const last = segments[segments.length - 1];
  const label = last === undefined ? message : `'${String(last)}': ${message}`;
  at(current.file, current.node, label);
}
