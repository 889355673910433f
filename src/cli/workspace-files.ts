/**
 * The CLI side of `$ref` resolution: a {@link WorkflowFileReader} over one folder of the real file
 * system (the workflow file's folder), and the call that resolves a workflow file from a path.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { resolveWorkflow, type ResolvedWorkflowSource, type WorkflowFileReader } from "../core/workflow/ref-resolver";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads files under `rootDir` only. Paths that leave it (also through a symlink) read as missing.
 * Like the original's zip upload, bytes that are not UTF-8 become a base64 string.
 */
export function directoryFileReader(rootDir: string): WorkflowFileReader {
  const root = realpathSync(rootDir);
  return {
    read(path) {
      let real: string;
      try {
        real = realpathSync(resolve(root, path));
      } catch {
        return undefined;
      }
      const inside = relative(root, real);
      if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
      if (!statSync(real).isFile()) return undefined;
      const bytes = readFileSync(real);
      try {
        return strictUtf8.decode(bytes);
      } catch {
        return bytes.toString("base64");
      }
    },
  };
}

/** Resolves the workflow file at `workflowPath`; its folder is the root its refs may not leave. */
export function resolveWorkflowFile(workflowPath: string): ResolvedWorkflowSource {
  const absolute = resolve(workflowPath);
  return resolveWorkflow(basename(absolute), directoryFileReader(dirname(absolute)));
}
