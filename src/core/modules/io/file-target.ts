/**
 * What io.load_json, io.save_json and io.write_text share (modules.md 2.9–2.11): the `target_path`
 * mapping onto `workflow_files` category and group, and Python's `os.path.basename`.
 */
import { pythonTypeName } from "../../python/builtins";

export interface FileTarget {
  category: "root" | "outputs";
  /** null for `root` and for the default `outputs` (no group filter when loading). */
  groupId: string | null;
}

/** `"root"` → root; `"outputs"` → outputs without a group; anything else → outputs, grouped by it. */
export function fileTarget(targetPath: unknown): FileTarget {
  if (targetPath === "root") return { category: "root", groupId: null };
  return { category: "outputs", groupId: targetPath !== "outputs" ? (targetPath as string | null) : null };
}

/** `os.path.basename` (POSIX): the text after the last `/`; a non-string is Python's TypeError. */
export function pythonBasename(path: unknown): string {
  if (typeof path !== "string") throw new TypeError(`expected str, bytes or os.PathLike object, not ${pythonTypeName(path)}`);
  return path.slice(path.lastIndexOf("/") + 1);
}
