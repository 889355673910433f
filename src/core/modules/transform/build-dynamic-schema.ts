/**
 * `transform.build_dynamic_schema` (modules.md 2.22): merges `properties.<root>.properties` and
 * `.required` of each selected group's schema into one schema, either a default wrapper or a copy of
 * `wrapper_schema`. Every error, its own included, is wrapped as "Failed to build dynamic schema";
 * the module prefix appears once (ruling 11).
 */
import { errorText, getInputValue, isModuleExecutionError, ModuleExecutionError } from "../base";
import { legacyGroups, selectGroups } from "../prompt/build-grouped-prompt";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { pyStr, pythonGet, pythonInDict, pythonIterate } from "../../python/values";

export class BuildDynamicSchemaModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.build_dynamic_schema";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "data", type: "object", required: false, description: "Raw data object containing groups with resolved 'schema' content" },
    { name: "selected_indices", type: "array", required: false, description: "Array of selected keys/indices to extract from data" },
    { name: "selected_group_configs", type: "array", required: false, description: "Array of selected group config objects (legacy)" },
    { name: "schema_key", type: "string", required: false, description: "Key in group config for schema content (default: 'schema')" },
    { name: "root_property", type: "string", required: false, description: "Wrapper property name in schema (default: 'prompts')" },
    { name: "schema_paths", type: "object", required: false, description: "Mapping of group keys to resolved schema objects (via $ref)" },
    { name: "wrapper_schema", type: "object", required: false, description: "Base wrapper schema the merged properties go into" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "merged_schema", type: "object", description: "Merged JSON schema with all selected models" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const input = (name: string) => getInputValue(this, inputs, name);
      const data = input("data");
      const selectedIndices = input("selected_indices");
      const selectedGroupConfigs = input("selected_group_configs");
      const schemaKey = (isTruthy(input("schema_key")) ? input("schema_key") : "schema") as string;
      const rootProperty = (isTruthy(input("root_property")) ? input("root_property") : "prompts") as string;
      const schemaPaths = isTruthy(input("schema_paths")) ? input("schema_paths") : {};
      const wrapperSchema = input("wrapper_schema");

      let groups: Array<[unknown, unknown]> = [];
      if (isTruthy(schemaPaths) && isTruthy(selectedIndices)) {
        for (const index of pythonIterate(selectedIndices)) if (inSchemaPaths(index, schemaPaths)) groups.push([index, null]);
      } else if (isTruthy(data) && isTruthy(selectedIndices)) {
        groups = selectGroups(data, selectedIndices);
      } else if (isTruthy(selectedGroupConfigs)) {
        groups = legacyGroups(selectedGroupConfigs);
      }

      const mergedProperties: Record<string, unknown> = {};
      const mergedRequired: unknown[] = [];
      for (const [groupKey, group] of groups) {
        let groupSchema: unknown = null;
        if (isTruthy(schemaPaths) && inSchemaPaths(groupKey, schemaPaths)) {
          const source = (schemaPaths as Record<string, unknown>)[groupKey as string];
          if (!isPlainObject(source)) {
            throw new ModuleExecutionError(
              this.moduleId,
              `schema_paths['${pyStr(groupKey)}'] must be a resolved schema object, not ${pythonTypeName(source)}. Use $ref to resolve.`,
            );
          }
          groupSchema = source;
        } else if (isPlainObject(group) && Object.prototype.hasOwnProperty.call(group, schemaKey)) {
          const content = group[schemaKey];
          if (!isPlainObject(content)) {
            throw new ModuleExecutionError(
              this.moduleId,
              `group['${schemaKey}'] must be a resolved schema object, not ${pythonTypeName(content)}. Use $ref to resolve.`,
            );
          }
          groupSchema = content;
        }
        if (!isTruthy(groupSchema)) {
          context.logger.warning(`No schema for group '${pyStr(groupKey)}', skipping`);
          continue;
        }
        const rootSchema = pythonGet(pythonGet(groupSchema, "properties", {}), rootProperty, {});
        const groupProperties = pythonGet(rootSchema, "properties", {});
        const groupRequired = pythonGet(rootSchema, "required", []);
        // dict.update and list.extend: later groups win on a name clash; duplicates stay.
        if (!isPlainObject(groupProperties)) throw new TypeError(`'${pythonTypeName(groupProperties)}' object is not iterable`);
        for (const [name, property] of Object.entries(groupProperties)) mergedProperties[name] = property;
        mergedRequired.push(...pythonIterate(groupRequired));
        context.logger.debug(`Merged schema for group '${pyStr(groupKey)}'`);
      }

      let mergedSchema: Record<string, unknown>;
      if (isTruthy(wrapperSchema)) {
        mergedSchema = structuredClone(wrapperSchema) as Record<string, unknown>;
        // With no such property the merge lands on a detached object and is lost, as in the original.
        const rootObject = pythonGet(pythonGet(mergedSchema, "properties", {}), rootProperty, {});
        if (!isPlainObject(rootObject)) throw new TypeError(`'${pythonTypeName(rootObject)}' object does not support item assignment`);
        rootObject.properties = mergedProperties;
        rootObject.required = mergedRequired;
      } else {
        mergedSchema = {
          type: "object",
          properties: {
            [rootProperty]: { type: "object", properties: mergedProperties, required: mergedRequired, additionalProperties: false },
          },
          required: [rootProperty],
          additionalProperties: false,
        };
      }
      return { merged_schema: mergedSchema };
    } catch (error) {
      const reason = isModuleExecutionError(error) ? error.reason : errorText(error);
      throw new ModuleExecutionError(this.moduleId, `Failed to build dynamic schema: ${reason}`, error);
    }
  }
}

/** `key in schema_paths`; a schema_paths that is not a dict is searched as Python would. */
function inSchemaPaths(key: unknown, schemaPaths: unknown): boolean {
  if (isPlainObject(schemaPaths)) return pythonInDict(key, schemaPaths);
  return pythonIterate(schemaPaths).some((entry) => entry === key);
}
