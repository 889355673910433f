/**
 * The workflow content hash (engine.md §1.10): the virtual server's
 * `sha256(json.dumps(wf, sort_keys=True, separators=(",", ":"))).hexdigest()`, so a definition hashes
 * the same here as there. That needs Python's `json.dumps` byte for byte (src/core/python/json-dumps.ts).
 *
 * What JavaScript cannot reproduce: a JSON number has no int/float distinction once parsed. A safe
 * integer (|n| < 2^53) is printed as a Python int, so an integral float such as `1.0` prints `1` where
 * Python prints `1.0`, and `-0.0` prints `0`. Beyond 2^53 an int literal has already lost digits in JS,
 * so such a number is printed as the float it now is (`1e+300`), which is wrong for an exact big int
 * like 2**60. A workflow whose files hold such numbers hashes differently from the original; cc has
 * none (its hash is tested against the fixture).
 */
// node:crypto is a pure computation, not I/O. The engine (and this hash) runs in the extension host and
// the CLI, both Node; only the webview is a browser, and it never imports the core. The alternatives
// were a hand-written SHA-256 or the async `crypto.subtle`, which would make every caller async.
import { createHash } from "node:crypto";
import { pythonJsonDumps } from "../python/json-dumps";

/** The virtual server's content hash of a resolved workflow: lowercase hex SHA-256, no prefix. */
export function computeContentHash(workflow: unknown): string {
  const canonical = pythonJsonDumps(workflow, { sortKeys: true, itemSeparator: ",", keySeparator: ":" });
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}
