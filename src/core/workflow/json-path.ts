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

// `.key`, `[3]`, `["any key"]`, or a bare first key (the resolver's `inputs.prompt[0]`) other than the root `$`.
const segmentPattern = /\.([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|^(?!\$(?:[.[]|$))([^.[\]]+)/g;

/**
 * The segments of a path as `formatJsonPath` writes it (`$.steps[2]["_ux.display"]`), or as the
 * template resolver names an input (`inputs.prompt[0]`, the first key bare). Text between the
 * recognised parts is skipped.
 */
export function parseJsonPath(text: string): JsonPathSegment[] {
  const path: JsonPathSegment[] = [];
  for (const match of text.matchAll(segmentPattern)) {
    if (match[2] !== undefined) path.push(Number(match[2]));
    else if (match[3] !== undefined) path.push(JSON.parse(match[3]) as string);
    else path.push((match[1] ?? match[4])!);
  }
  return path;
}

/** True when `prefix` is `path` itself or one of its ancestors. */
export function isPathPrefix(prefix: readonly JsonPathSegment[], path: readonly JsonPathSegment[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((segment, index) => segment === path[index]);
}
