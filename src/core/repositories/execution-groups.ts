/**
 * `pipeline.execution_groups` expansion (engine.md 1.10 step 4): every combination of group paths
 * (cartesian product) becomes one flattened workflow in which the chosen path's modules are inlined
 * with `_metadata`, plus an `io.validate` module at the group's exit when it declares an
 * `output_schema`. Pure: the input workflow is never modified.
 */
import { isTruthy } from "../python/builtins";
import type { CapabilityRequirement } from "./types";

export const EXECUTION_GROUPS_MODULE_ID = "pipeline.execution_groups";

type Json = Record<string, unknown>;

export interface FlattenedVariant {
  flattenedWorkflow: Json;
  requires: CapabilityRequirement[];
  /** Group name → chosen path name; empty when the workflow has no execution groups. */
  selectedPaths: Record<string, string>;
}

interface GroupLocation {
  stepIndex: number;
  moduleIndex: number;
  module: Json;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asRecord = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};

function findExecutionGroups(workflow: Json): GroupLocation[] {
  const found: GroupLocation[] = [];
  asArray(workflow.steps).forEach((step, stepIndex) => {
    asArray(asRecord(step).modules).forEach((module, moduleIndex) => {
      if (asRecord(module).module_id === EXECUTION_GROUPS_MODULE_ID) {
        found.push({ stepIndex, moduleIndex, module: asRecord(module) });
      }
    });
  });
  return found;
}

function groupNameOf(location: GroupLocation): string {
  const name = location.module.name;
  return name === undefined || name === null
    ? `unnamed_group_${location.stepIndex}_${location.moduleIndex}`
    : String(name);
}

/** Path selections in `itertools.product` order (the last group varies fastest). */
function pathCombinations(groups: readonly GroupLocation[]): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const group of groups) {
    const name = groupNameOf(group);
    const paths = asArray(group.module.groups).map((path) => String(asRecord(path).name));
    combinations = combinations.flatMap((partial) => paths.map((path) => ({ ...partial, [name]: path })));
  }
  return combinations;
}

function validatorModule(groupName: string, pathName: string, outputSchema: Json): Json {
  return {
    module_id: "io.validate",
    name: `_${groupName}_validator`,
    inputs: { schema: outputSchema, state_keys: Object.keys(asRecord(outputSchema.properties)) },
    _metadata: {
      expanded_from: groupName,
      expanded_index: -1,
      _group_origin: { group_name: groupName, path_name: pathName, is_group_exit: true, auto_generated: true },
    },
  };
}

function flatten(workflow: Json, selectedPaths: Record<string, string>): FlattenedVariant {
  const result = structuredClone(workflow);
  const requires: CapabilityRequirement[] = [];
  for (const step of asArray(result.steps)) {
    const stepRecord = asRecord(step);
    if (!Array.isArray(stepRecord.modules)) continue;
    const modules: unknown[] = [];
    for (const module of stepRecord.modules as unknown[]) {
      const moduleRecord = asRecord(module);
      if (moduleRecord.module_id !== EXECUTION_GROUPS_MODULE_ID) {
        modules.push(module);
        continue;
      }
      // The original looks the selection up by the raw `name` here (an unnamed group falls back to
      // its first path).
      const groupName = moduleRecord.name as string;
      const paths = asArray(moduleRecord.groups).map(asRecord);
      const pathName = selectedPaths[groupName] || String(paths[0]?.name);
      const path = paths.find((candidate) => candidate.name === pathName);
      if (!path) throw new Error(`Path '${pathName}' not found in group '${groupName}'`);
      const pathRequires = asArray(path.requires) as CapabilityRequirement[];
      requires.push(...pathRequires);
      asArray(path.modules).forEach((inner, index) => {
        const copy = structuredClone(asRecord(inner));
        copy._metadata = {
          ...asRecord(copy._metadata),
          expanded_from: groupName,
          expanded_index: index,
          _group_origin: { group_name: groupName, path_name: pathName, requires: pathRequires },
        };
        modules.push(copy);
      });
      if (isTruthy(moduleRecord.output_schema)) {
        modules.push(validatorModule(groupName, pathName, asRecord(moduleRecord.output_schema)));
      }
    }
    stepRecord.modules = modules;
  }
  return { flattenedWorkflow: result, requires, selectedPaths };
}

/**
 * One variant per path combination; a workflow without execution groups gives a single variant with
 * the workflow itself, no requirements and no selected paths.
 */
export function expandExecutionGroups(workflow: Json): FlattenedVariant[] {
  const groups = findExecutionGroups(workflow);
  if (groups.length === 0) return [{ flattenedWorkflow: workflow, requires: [], selectedPaths: {} }];
  return pathCombinations(groups).map((selection) => flatten(workflow, selection));
}
