/**
 * `io.load_json` (modules.md 2.9): reads the newest `workflow_files` document of a name on the
 * current branch. The default `outputs` target has no group filter, so it finds a file saved under
 * any group. Text content is parsed as JSON the way Python's `json.loads` parses it.
 */
import { pyStr } from "../../python/format";
import { errorText, getInputValue, isModuleExecutionError, ModuleExecutionError } from "../base";
import { isTruthy } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { fileTarget, pythonBasename } from "./file-target";
import { pythonJsonLoads } from "./python-json-loads";

export class LoadJsonModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "io.load_json";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "file_path", type: "string", required: true, description: "Filename to load (e.g., 'scene_summary.json')" },
    { name: "target_path", type: "string", required: false, default: "outputs", description: "'root', 'outputs', or a group id" },
    { name: "default", type: "object", required: false, default: null, description: "Default value if file doesn't exist" },
    { name: "required", type: "boolean", required: false, default: true, description: "Whether file must exist" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "data", type: "object", description: "Loaded JSON data" },
    { name: "file_exists", type: "boolean", description: "Whether file was found" },
    { name: "file_id", type: "string", description: "Database file ID (if found)" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const targetPath = getInputValue(this, inputs, "target_path");
      const { category, groupId } = fileTarget(targetPath);
      const filename = pythonBasename(inputs.file_path);

      const doc = context.db.getWorkflowFileByName({
        workflowRunId: context.workflowRunId,
        filename,
        category,
        groupId,
        branchId: context.branchId,
      });

      if (doc === null) {
        if (isTruthy(getInputValue(this, inputs, "required"))) {
          throw new ModuleExecutionError(this.moduleId, `Required file not found: ${filename} (target_path=${pyStr(targetPath)})`);
        }
        context.logger.debug(`File not found, using default: ${filename}`);
        return { data: getInputValue(this, inputs, "default"), file_exists: false, file_id: null };
      }

      let data: unknown = doc.content ?? null;
      const fileId = doc.file_id ?? null;
      if (doc.content_type === "text" && typeof data === "string") {
        try {
          data = pythonJsonLoads(data);
        } catch (error) {
          throw new ModuleExecutionError(this.moduleId, `Content is not valid JSON: ${errorText(error)}`, error);
        }
      }
      context.logger.debug(`✓ Loaded JSON from database: ${filename} (file_id=${pyStr(fileId)})`);
      return { data, file_exists: true, file_id: fileId };
    } catch (error) {
      if (isModuleExecutionError(error)) throw error;
      throw new ModuleExecutionError(this.moduleId, `Unexpected error: ${errorText(error)}`, error);
    }
  }
}
