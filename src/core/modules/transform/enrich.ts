/**
 * `transform.enrich` (modules.md 2.21): copies values from `enrichments` into a deep copy of `data`,
 * where a mapping schema that mirrors the data's shape has `enrichment_map` leaves. Enrichments are
 * matched by the Python `str()` of their id (so `1` and `"1"` collide); every enrichment must be used
 * and every mapped object must find one. Lists in messages are Python reprs.
 */
import { errorText, isModuleExecutionError, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { pyRepr, pyStr, pythonGet, pythonInDict } from "../../python/values";

/** `schema.get('properties', {}).items()`. */
function propertiesOf(node: unknown): Array<[string, unknown]> {
  const properties = pythonGet(node, "properties", {});
  if (!isPlainObject(properties)) throw new TypeError(`'${pythonTypeName(properties)}' object has no attribute 'items'`);
  return Object.entries(properties);
}

/** Python's `sorted()` of strings: by code point. */
function sortedCodePoints(values: string[]): string[] {
  return [...values].sort((a, b) => {
    const x = [...a].map((c) => c.codePointAt(0)!);
    const y = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  });
}

export class EnrichModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "transform.enrich";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "data", type: "object", required: true, description: "The nested data structure to enrich" },
    { name: "enrichments", type: "array", required: true, description: "Array of enrichment objects" },
    { name: "mapping_schema", type: "object", required: true, description: "Schema defining document hierarchy and field mappings" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "enriched_data", type: "object", description: "The data structure with enrichments merged in" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const { data, enrichments, mapping_schema: mappingSchema } = inputs;
      if (!Array.isArray(enrichments)) throw new ModuleExecutionError(this.moduleId, "enrichments must be an array");
      if (!isPlainObject(mappingSchema)) throw new ModuleExecutionError(this.moduleId, "mapping_schema must be an object");

      // Every enrichment_data_id_field of the schema, each with its own index of enrichments.
      const lookups = new Map<string, Map<string, Record<string, unknown>>>();
      const collect = (node: unknown): void => {
        const type = pythonGet(node, "type");
        if (type === "enrichment_map") {
          const idField = pythonGet(node, "enrichment_data_id_field");
          if (isTruthy(idField) && !lookups.has(idField as string)) lookups.set(idField as string, new Map());
        } else if (type === "object") {
          for (const [, property] of propertiesOf(node)) collect(property);
        } else if (type === "array") {
          collect(pythonGet(node, "items", {}));
        }
      };
      collect(mappingSchema);

      for (const enrichment of enrichments) {
        if (!isPlainObject(enrichment)) continue;
        for (const [idField, lookup] of lookups) {
          const idValue = pythonGet(enrichment, idField);
          if (idValue === null) continue;
          const id = pyStr(idValue);
          if (lookup.has(id)) throw new ModuleExecutionError(this.moduleId, `Duplicate enrichment ID for field '${idField}': ${id}`);
          lookup.set(id, enrichment);
        }
      }
      const total = [...lookups.values()].reduce((sum, lookup) => sum + lookup.size, 0);
      context.logger.info(`Built enrichment lookups: ${total} entries across ${lookups.size} id fields`);

      const used = new Map<string, Set<string>>([...lookups.keys()].map((field) => [field, new Set<string>()]));
      const missing: string[] = [];
      const enriched = structuredClone(data);

      const processNode = (node: unknown, schema: unknown, path: string): void => {
        const type = pythonGet(schema, "type");
        if (type === "object") {
          if (!isPlainObject(node)) {
            context.logger.warning(`Expected object at ${path}, got ${pythonTypeName(node)}`);
            return;
          }
          for (const [name, propertySchema] of propertiesOf(schema)) {
            const propertyPath = path ? `${path}.${name}` : name;
            if (pythonGet(propertySchema, "type") === "enrichment_map") {
              const documentIdField = pythonGet(propertySchema, "document_data_id_field");
              const enrichmentIdField = pythonGet(propertySchema, "enrichment_data_id_field");
              const sourceField = pythonGet(propertySchema, "source_field");
              if (!isTruthy(documentIdField) || !isTruthy(enrichmentIdField) || !isTruthy(sourceField)) {
                throw new ModuleExecutionError(
                  this.moduleId,
                  `enrichment_map at ${propertyPath} missing required fields (document_data_id_field, enrichment_data_id_field, source_field)`,
                );
              }
              const idValue = pythonGet(node, documentIdField as string);
              if (idValue === null) {
                throw new ModuleExecutionError(this.moduleId, `Missing document_data_id_field '${pyStr(documentIdField)}' at ${path}`);
              }
              const id = pyStr(idValue);
              const enrichment = lookups.get(enrichmentIdField as string)?.get(id);
              if (enrichment === undefined) {
                missing.push(`${propertyPath} (id=${id})`);
              } else {
                if (!pythonInDict(sourceField, enrichment)) {
                  throw new ModuleExecutionError(this.moduleId, `Enrichment for id=${id} missing source field '${pyStr(sourceField)}'`);
                }
                node[name] = enrichment[sourceField as string];
                used.get(enrichmentIdField as string)!.add(id);
                context.logger.debug(`Enriched ${propertyPath} from id=${id}`);
              }
            } else if (Object.prototype.hasOwnProperty.call(node, name)) {
              processNode(node[name], propertySchema, propertyPath);
            }
          }
        } else if (type === "array") {
          if (!Array.isArray(node)) {
            context.logger.warning(`Expected array at ${path}, got ${pythonTypeName(node)}`);
            return;
          }
          const itemsSchema = pythonGet(schema, "items", {});
          node.forEach((item, i) => processNode(item, itemsSchema, `${path}[${i}]`));
        }
      };
      processNode(enriched, mappingSchema, "");

      if (missing.length > 0) throw new ModuleExecutionError(this.moduleId, `Data objects missing enrichment: ${pyRepr(missing)}`);
      for (const [idField, lookup] of lookups) {
        const unused = [...lookup.keys()].filter((id) => !used.get(idField)!.has(id));
        if (unused.length > 0) {
          throw new ModuleExecutionError(this.moduleId, `Unused enrichment IDs for '${idField}' (no match in data): ${pyRepr(sortedCodePoints(unused))}`);
        }
      }
      const totalUsed = [...used.values()].reduce((sum, ids) => sum + ids.size, 0);
      context.logger.info(`Enrichment complete: ${totalUsed} fields enriched`);
      return { enriched_data: enriched };
    } catch (error) {
      if (isModuleExecutionError(error)) throw error;
      throw new ModuleExecutionError(this.moduleId, `Failed to enrich data: ${errorText(error)}`, error);
    }
  }
}
