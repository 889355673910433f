/**
 * `io.client_write` (modules.md §2.15): hands a file to the client (`file_download`), which writes it
 * into the project folder and answers whether it did.
 */
import { pyStr } from "../../python/format";
import { getInputValue, ModuleExecutionError, newInteractionId } from "../base";
import { isTruthy } from "../../python/builtins";
import {
  makeInteractionRequest,
  type InteractionRequest,
  type InteractionResponse,
  type InteractiveModule,
  type ModuleContext,
  type ModuleInputDecl,
  type ModuleOutputDecl,
} from "../types";

export class ClientWriteModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "io.client_write";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "content", type: "any", required: true, description: "Data to write (string or object)" },
    { name: "filename", type: "string", required: true, description: "Target filename (e.g., 'workflow_summary.txt')" },
    { name: "format", type: "string", required: false, default: null, description: "'json' or 'text' (default: from the filename)" },
    { name: "destination", type: "string", required: false, default: "root", description: "'root' (project folder) or 'ws'" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "file_path", type: "string", description: "Absolute path where file was written" },
    { name: "filename", type: "string", description: "The filename used" },
    { name: "success", type: "boolean", description: "Whether write was successful" },
  ];

  async getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    let content = inputs.content;
    const filename = inputs.filename as string;
    let format = getInputValue(this, inputs, "format");
    if (format === null) format = String(filename).endsWith(".json") ? "json" : "text";

    let contentType: string;
    if (format === "json") {
      if (typeof content === "string") {
        try {
          content = JSON.parse(content);
        } catch {
          // Not JSON: sent as it is.
        }
      }
      contentType = "json";
    } else {
      if (typeof content !== "string") content = pyStr(content);
      contentType = "text";
    }
    context.logger.info(`Requesting TUI to write file: ${filename}`);

    return makeInteractionRequest({
      interaction_id: newInteractionId("file_download", context),
      interaction_type: "file_download",
      title: `Writing ${filename} to project folder`,
      file_content: content,
      file_name: filename,
      file_content_type: contentType,
      file_destination: getInputValue(this, inputs, "destination") as string,
      context: { module_id: this.moduleId, step_id: context.stepId ?? null },
    });
  }

  async executeWithResponse(
    inputs: Record<string, unknown>,
    context: ModuleContext,
    response: InteractionResponse,
  ): Promise<Record<string, unknown>> {
    const filename = inputs.filename;
    if (isTruthy(response.cancelled)) throw new ModuleExecutionError(this.moduleId, `File write cancelled: ${pyStr(filename)}`);
    if (!isTruthy(response.file_written)) {
      const reason = isTruthy(response.file_error) ? response.file_error : "Unknown error";
      throw new ModuleExecutionError(this.moduleId, `Failed to write file ${pyStr(filename)}: ${reason}`);
    }
    context.logger.info(`File written successfully: ${response.file_path}`);
    return { file_path: response.file_path, filename, success: true };
  }
}
