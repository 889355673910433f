/**
 * Python `str(x)` for the retry conversation history (its `json.dumps(x, indent=2)` half is
 * src/core/python/json-dumps.ts), so JavaScript's limits are the same there and here.
 */
import { pythonJsonDumps, pythonNumber } from "../python/json-dumps";

/**
 * Python `str()` of a scalar. The repositories never `str()` a container; one would print as JSON
 * with Python's default separators, close to but not exactly Python's repr.
 */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  try {
    return pythonJsonDumps(value);
  } catch {
    return String(value);
  }
}
