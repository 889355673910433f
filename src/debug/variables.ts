/**
 * The Variables view: scopes (State, Inputs, Last outputs, Step, Config) and their values, expanded
 * lazily through handles that live until the run moves on. Arrays over PAGE_SIZE items are paged
 * (indexed variables), so a state with thousands of items opens without sending them all.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import { preview } from "./expressions";

export const PAGE_SIZE = 100;

/** What a handle points at: a value, and how to write it back (State only). */
interface Handle {
  value: unknown;
  /** The Jinja2 path of the value (`state.x[0]`), for evaluateName. */
  path: string;
  /** The scope's top-level key and the segments below it, when the value lives in State. */
  statePath?: Array<string | number>;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === "object" && !(value instanceof Date);
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (parent ? `${parent}.${key}` : key) : `${parent}[${JSON.stringify(key)}]`;
}

export class VariableStore {
  private handles = new Map<number, Handle>();
  private next = 1;

  /** Forgets every handle (the run moved on). */
  reset(): void {
    this.handles.clear();
  }

  /** A handle for a container value (0 for a leaf). */
  handleFor(value: unknown, path: string, statePath?: Array<string | number>): number {
    if (!isContainer(value)) return 0;
    const id = this.next++;
    this.handles.set(id, { value, path, statePath });
    return id;
  }

  /** How many children a value shows paged (arrays over a page) or named. */
  counts(value: unknown): Pick<DebugProtocol.Variable, "indexedVariables" | "namedVariables"> {
    if (Array.isArray(value)) return value.length > PAGE_SIZE ? { indexedVariables: value.length } : {};
    return {};
  }

  variable(name: string, value: unknown, path: string, statePath?: Array<string | number>): DebugProtocol.Variable {
    return {
      name,
      value: preview(value),
      type: Array.isArray(value) ? "list" : value === null ? "None" : value instanceof Date ? "datetime" : typeof value === "object" ? "dict" : typeof value,
      variablesReference: this.handleFor(value, path, statePath),
      evaluateName: path,
      ...this.counts(value),
    };
  }

  /** The children of a handle; `start`/`count` page an array. */
  children(reference: number, start?: number, count?: number): DebugProtocol.Variable[] {
    const handle = this.handles.get(reference);
    if (!handle) return [];
    const { value, path, statePath } = handle;
    const at = (key: string | number): Array<string | number> | undefined => (statePath ? [...statePath, key] : undefined);
    if (Array.isArray(value)) {
      const from = Math.max(0, start ?? 0);
      const to = Math.min(value.length, count ? from + count : value.length > PAGE_SIZE && start === undefined ? PAGE_SIZE : value.length);
      const out: DebugProtocol.Variable[] = [];
      for (let i = from; i < to; i++) out.push(this.variable(String(i), value[i], childPath(path, i), at(i)));
      return out;
    }
    return Object.keys(value as Record<string, unknown>).map((key) => this.variable(key, (value as Record<string, unknown>)[key], childPath(path, key), at(key)));
  }

  /** Where a child of a handle sits in State (null: not in State). */
  statePathOf(reference: number, name: string): Array<string | number> | null {
    const handle = this.handles.get(reference);
    if (!handle?.statePath) return null;
    return [...handle.statePath, Array.isArray(handle.value) ? Number(name) : name];
  }
}

/** `value` with `path` (below its top-level key) set to `next`, copying only the containers on the way. */
export function withPath(value: unknown, path: ReadonlyArray<string | number>, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[Number(head)] = withPath(copy[Number(head)], rest, next);
    return copy;
  }
  const record = isContainer(value) ? { ...(value as Record<string, unknown>) } : {};
  record[String(head)] = withPath(record[String(head)], rest, next);
  return record;
}
