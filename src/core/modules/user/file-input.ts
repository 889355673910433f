/**
 * `user.file_input` (modules.md 2.5): asks for a file. Clients read the file locally and answer with a
 * data URL (the VS Code panel does, with the file's name in `file_path`, which becomes `filename`);
 * its mime type is checked against `extensions`. A jump-back
 * option answers with its real target (ruling 12; the original always sent `""`).
 *
 * A legacy answer is a path string. The core has no file system, so the host may put
 * `project_folder` (relative paths resolve against it) and `stat_path` (what is at an absolute
 * path) into the services; without `stat_path` a path is reported as not found.
 */
import { getInputValue, ModuleExecutionError, newInteractionId } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import { pythonGet, pythonIterate } from "../../python/values";
import {
  makeInteractionRequest,
  type InteractionRequest,
  type InteractionResponse,
  type InteractiveModule,
  type ModuleContext,
  type ModuleInputDecl,
  type ModuleOutputDecl,
  type SelectOption,
} from "../types";

/** What a host may add to `context.services` so that path answers can be checked. */
export interface FileInputHostServices {
  /** Relative paths resolve against it (the original's never-set `services.project_folder`). */
  project_folder?: string;
  /** "file", "directory" (anything not a file), or null when nothing is at the absolute path. */
  stat_path?: (absolutePath: string) => "file" | "directory" | null;
}

const MIME_EXTENSIONS: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
  "image/bmp": ".bmp",
};

/** `os.path.normpath` (POSIX). */
export function posixNormpath(path: string): string {
  if (path === "") return ".";
  const leading = path.startsWith("/") ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== ".." || (leading === 0 && parts.length === 0) || parts[parts.length - 1] === "..") parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = "/".repeat(leading) + parts.join("/");
  return joined === "" ? "." : joined;
}

/** `os.path.splitext(path)[1]`: the last dot of the basename, ignoring its leading dots. */
export function posixExtension(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return "";
  return base.slice(dot);
}

/** `[e.lower() for e in extensions]` and `', '.join(extensions)`, failing where Python fails. */
function allowedExtensions(extensions: unknown): { lower: string[]; joined: string } {
  // A string is iterated by characters, as Python would.
  const list = pythonIterate(extensions);
  const lower = list.map((ext) => {
    if (typeof ext !== "string") throw new TypeError(`'${pythonTypeName(ext)}' object has no attribute 'lower'`);
    return ext.toLowerCase();
  });
  return { lower, joined: (list as string[]).join(", ") };
}

const NO_JUMP = { jump_back_requested: false, jump_back_target: "" };

export class FileInputModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "user.file_input";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "prompt", type: "string", required: true, description: "Prompt message to display" },
    { name: "extensions", type: "array", required: false, default: null, description: "Allowed file extensions (e.g., ['.png', '.jpg'])" },
    { name: "retry_trigger_keyword", type: "string", required: false, default: "r", description: "Declared by the original, never used" },
    { name: "retry_options", type: "object", required: false, default: {}, description: "{jump_id: description or {description}} jump-back choices" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "value", type: "string", description: "The data URL, or the validated absolute file path" },
    { name: "filename", type: "string", description: "Just the filename without path" },
    { name: "jump_back_requested", type: "boolean", description: "Whether jump back was requested" },
    { name: "jump_back_target", type: "string", description: "Target option ID for jump back" },
  ];

  async getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    const extensions = getInputValue(this, inputs, "extensions");
    const retryOptions = isTruthy(getInputValue(this, inputs, "retry_options")) ? getInputValue(this, inputs, "retry_options") : {};
    if (!isPlainObject(retryOptions)) throw new TypeError(`'${pythonTypeName(retryOptions)}' object has no attribute 'items'`);

    const extraOptions: SelectOption[] = Object.entries(retryOptions).map(([jumpId, config]) => {
      const description = isPlainObject(config) ? pythonGet(config, "description", jumpId) : config;
      return {
        id: `jump_${jumpId}`,
        label: description as string,
        description: `Jump back to ${String(description)}`,
        metadata: { action: "jump_back", target: jumpId },
      };
    });

    return makeInteractionRequest({
      interaction_id: newInteractionId("file_input", context),
      interaction_type: "file_input",
      title: inputs.prompt as string,
      options: [],
      min_selections: 0,
      max_selections: 0,
      allow_custom: true,
      extra_options: extraOptions,
      display_data: { extensions },
      // No module_id here, as in the original.
      context: { extensions, retry_options: retryOptions },
    });
  }

  async executeWithResponse(
    inputs: Record<string, unknown>,
    context: ModuleContext,
    response: InteractionResponse,
  ): Promise<Record<string, unknown>> {
    // The original never checks `cancelled`.
    const extensions = getInputValue(this, inputs, "extensions");

    if (isTruthy(response.selected_options)) {
      const option = (response.selected_options as unknown[])[0];
      const metadata = isPlainObject(option) ? pythonGet(option, "metadata", {}) : {};
      if (pythonGet(metadata, "action") === "jump_back") {
        // Ruling 12: the option's real target (the original always sent "").
        return { value: "", filename: "", jump_back_requested: true, jump_back_target: pythonGet(metadata, "target", "") };
      }
    }

    const fileValue = isTruthy(response.value) ? response.value : isTruthy(response.custom_value) ? response.custom_value : "";
    if (!isTruthy(fileValue)) throw new ModuleExecutionError(this.moduleId, "No file path provided");
    if (typeof fileValue !== "string") throw new TypeError(`'${pythonTypeName(fileValue)}' object has no attribute 'startswith'`);

    if (fileValue.startsWith("data:")) {
      if (isTruthy(extensions)) {
        const mimeType = fileValue.split(";")[0]!.split("data:").join("");
        const extension = MIME_EXTENSIONS[mimeType] ?? "";
        const allowed = allowedExtensions(extensions);
        // An unknown mime type gives no extension and passes, as in the original.
        if (extension !== "" && !allowed.lower.includes(extension)) {
          throw new ModuleExecutionError(this.moduleId, `Invalid file type: ${extension}. Allowed: ${allowed.joined}`);
        }
      }
      context.logger.debug(`Received base64 data URL (length: ${fileValue.length})`);
      // Ruling 12: a client that read a named file sends its name in `file_path`; the original's
      // clients never did, and got "uploaded_file".
      const named = typeof response.file_path === "string" ? response.file_path.slice(response.file_path.replace(/\\/g, "/").lastIndexOf("/") + 1) : "";
      return { value: fileValue, filename: named !== "" ? named : "uploaded_file", ...NO_JUMP };
    }

    const host = context.services as FileInputHostServices;
    const projectFolder = isTruthy(host.project_folder) ? host.project_folder! : "/";
    const filePath = posixNormpath(fileValue.startsWith("/") ? fileValue : `${projectFolder.replace(/\/+$/, "")}/${fileValue}`);
    const found = typeof host.stat_path === "function" ? host.stat_path(filePath) : null;
    if (found === null) throw new ModuleExecutionError(this.moduleId, `File not found: ${filePath}`);
    if (found !== "file") throw new ModuleExecutionError(this.moduleId, `Path is not a file: ${filePath}`);
    if (isTruthy(extensions)) {
      const extension = posixExtension(filePath);
      const allowed = allowedExtensions(extensions);
      if (!allowed.lower.includes(extension.toLowerCase())) {
        throw new ModuleExecutionError(this.moduleId, `Invalid file type: ${extension}. Allowed: ${allowed.joined}`);
      }
    }
    context.logger.debug(`Valid file selected: ${filePath}`);
    return { value: filePath, filename: filePath.slice(filePath.lastIndexOf("/") + 1), ...NO_JUMP };
  }
}
