/**
 * `io.write_text` (modules.md 2.11): stores text in `workflow_files` (`content_type: text`) and
 * reports its UTF-8 byte length. A non-string content fails as Python's `.encode` does.
 */
import { errorText, getInputValue, ModuleExecutionError } from "../base";
import { pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";
import { fileTarget, pythonBasename } from "./file-target";

/** `len(content.encode('utf-8'))`, failing where Python fails (non-strings, lone surrogates). */
function utf8Length(content: unknown): number {
  if (typeof content !== "string") throw new TypeError(`'${pythonTypeName(content)}' object has no attribute 'encode'`);
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(content);
  if (lone !== null) {
    const code = lone[0].charCodeAt(0).toString(16);
    throw new Error(`'utf-8' codec can't encode character '\\u${code}' in position ${[...content.slice(0, lone.index)].length}: surrogates not allowed`);
  }
  return new TextEncoder().encode(content).length;
}

export class WriteTextModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "io.write_text";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "content", type: "string", required: true, description: "Text content to write" },
    { name: "file_path", type: "string", required: true, description: "Filename to use (e.g., 'summary.txt')" },
    { name: "target_path", type: "string", required: false, default: "outputs", description: "'root', 'outputs', or a group id" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "file_id", type: "string", description: "Database file ID where content was saved" },
    { name: "file_path", type: "string", description: "The filename used (for backward compatibility)" },
    { name: "bytes_written", type: "number", description: "Number of bytes written" },
  ];

  async execute(inputs: Record<string, unknown>, context: ModuleContext): Promise<Record<string, unknown>> {
    try {
      const content = inputs.content;
      const targetPath = getInputValue(this, inputs, "target_path");
      const { category, groupId } = fileTarget(targetPath);
      const filename = pythonBasename(inputs.file_path);
      const bytesWritten = utf8Length(content);

      const fileId = context.db.storeWorkflowFile({
        workflowRunId: context.workflowRunId,
        category,
        // The original stores None here for `root` and `outputs`; the repository takes null.
        groupId,
        filename,
        content,
        contentType: "text",
        metadata: { step_id: context.stepId ?? null, target_path: targetPath },
        branchId: context.branchId ?? null,
      });
      context.logger.info(`Wrote text to database: ${filename} (file_id=${fileId})`);
      context.logger.debug(`Bytes written: ${bytesWritten}`);
      return { file_id: fileId, file_path: filename, bytes_written: bytesWritten };
    } catch (error) {
      throw new ModuleExecutionError(this.moduleId, `Failed to write text: ${errorText(error)}`, error);
    }
  }
}
