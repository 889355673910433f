/** JSON Pointers (RFC 6901): `/items/0/a~1b` → `["items", "0", "a/b"]`. */

/**
 * The reference tokens of a JSON Pointer, unescaped (`~1` is `/`, `~0` is `~`); `""` is the whole
 * document. `undefined` for text that is not a pointer (a non-empty one starts with `/`).
 */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}
