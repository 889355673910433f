/**
 * `io.save_json` (modules.md 2.10): stores a JSON value in `workflow_files` (`content_type: json`).
 * A string is parsed first, as Python's `json.loads` does. The original's catch-all wraps its own
 * "not valid JSON" error again; the one module prefix is kept (ruling 11), the wrapping text stays.
 */
import { errorText, getInputValue, isModuleExecutionError, ModuleExecutionError } from "../base";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { fileTarget, pythonBasename } from "./file-target";
import { pythonJsonLoads } from "./python-json-loads";

export class SaveJsonModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "io.save_json";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "data", type: "object", required: true, description: "Data to save (can be JSON string or object)" },
    { name: "file_path", type: "string", required: true, description: "Filename to use (e.g., 'scene_summary.json')" },
    { name: "target_path", type: "string", required: false, default: "outputs", description: "'root', 'outputs', or a group id" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "file_id", type: "string", description: "Database file ID where data was saved" },
    { name: "file_path", type: "string", description: "The filename used (for backward compatibility)" },
    { name: "success", type: "boolean", description: "Whether save was successful" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      let data = inputs.data;
      const targetPath = getInputValue(this, inputs, "target_path");
      if (typeof data === "string") {
        try {
          data = pythonJsonLoads(data);
        } catch (error) {
          throw new ModuleExecutionError(this.moduleId, `Data is a string but not valid JSON: ${errorText(error)}`, error);
        }
      }
      const { category, groupId } = fileTarget(targetPath);
      const filename = pythonBasename(inputs.file_path);

      const fileId = context.db.storeWorkflowFile({
        workflowRunId: context.workflowRunId,
        category,
        // The original stores None here for `root` and `outputs`; the repository takes null.
        groupId,
        filename,
        content: data,
        contentType: "json",
        metadata: { step_id: context.stepId ?? null, target_path: targetPath },
        branchId: context.branchId ?? null,
      });
      context.logger.info(`Saved JSON to database: ${filename} (file_id=${fileId})`);
      return { file_id: fileId, file_path: filename, success: true };
    } catch (error) {
      // Python's `except (TypeError, ValueError)` comes first, but the JSON error arrives already
      // wrapped in the module's own error, so it takes the catch-all (one prefix kept, ruling 11).
      if (error instanceof TypeError) throw new ModuleExecutionError(this.moduleId, `Data is not JSON-serializable: ${error.message}`, error);
      const reason = isModuleExecutionError(error) ? error.reason : errorText(error);
      throw new ModuleExecutionError(this.moduleId, `Unexpected error: ${reason}`, error);
    }
  }
}
