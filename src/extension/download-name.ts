/**
 * The default name the file_download save dialog offers. The workflow gives `file_name`, and workflows
 * come from cloned repositories: the name is reduced to one plain file name, so the default path
 * (joined to the workspace folder) stays inside the workspace whatever it says (`../../.bashrc`,
 * `/etc/passwd`, `C:\x`, `~/.ssh/config`).
 */
const FALLBACK = "download.txt";

export function downloadFileName(fileName: unknown): string {
  const given = typeof fileName === "string" ? fileName : fileName === undefined || fileName === null ? "" : String(fileName);
  // The last path segment, with either separator; control characters and a drive's colon go.
  const last = given.split(/[/\\]/).filter((part) => part !== "").pop() ?? "";
  const cleaned = last.replace(/[\u0000-\u001f\u007f:*?"<>|]/g, "_").trim();
  // No hidden file (`.bashrc`), no `.`/`..`: leading dots go.
  const name = cleaned.replace(/^\.+/, "");
  return name === "" ? FALLBACK : name.slice(0, 200);
}
