/**
 * The CLI side of `$ref` resolution: a {@link WorkflowFileReader} over one folder of the real file
 * system (the workflow file's folder), and the call that resolves a workflow file from a path.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { WfvError } from "../core/errors";
import { resolveWorkflow, type ResolvedWorkflowSource, type WorkflowFileReader } from "../core/workflow/ref-resolver";
import { workflowFileText } from "../node/file-text";

/**
 * Reads files under `rootDir` only. Paths that leave it (also through a symlink) read as missing.
 * Like the original's zip upload, bytes that are not UTF-8 become a base64 string.
 */
export function directoryFileReader(rootDir: string): WorkflowFileReader {
  let root: string | undefined;
  try {
    root = realpathSync(rootDir);
  } catch {
    root = undefined; // no such folder: every file reads as missing
  }
  return {
    read(path) {
      if (root === undefined) return undefined;
      let real: string;
      try {
        real = realpathSync(resolve(root, path));
      } catch {
        return undefined;
      }
      const inside = relative(root, real);
      if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
      if (!statSync(real).isFile()) return undefined;
      return workflowFileText(readFileSync(real));
    },
  };
}

/**
 * Resolves the workflow file at `workflowPath`; its folder is the root its refs may not leave. Errors
 * name files relative to that root, so their details also carry the root itself.
 */
export function resolveWorkflowFile(workflowPath: string): ResolvedWorkflowSource {
  const absolute = resolve(workflowPath);
  const root = dirname(absolute);
  try {
    return resolveWorkflow(basename(absolute), directoryFileReader(root));
  } catch (error) {
    if (error instanceof WfvError) throw new WfvError(error.errorType, error.message, { ...error.details, root });
    throw error;
  }
}
