/**
 * JSON paths as wfv prints them in error details: `$`, `$.steps[2]`, `$.modules[0].inputs.system[1]`,
 * and `$["_ux.display"]` for keys that are not plain identifiers. Segments (the array form) are kept
 * beside the string wherever a caller may need to find the node again (jsonc-parser's JSONPath has the
 * same shape).
 */

export type JsonPathSegment = string | number;

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatJsonPath(segments: readonly PropertyKey[]): string {
  let out = "$";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      out += plainKey.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** True when `prefix` is `path` itself or one of its ancestors. */
export function isPathPrefix(prefix: readonly JsonPathSegment[], path: readonly JsonPathSegment[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((segment, index) => segment === path[index]);
}
