/**
 * Line breakpoints on modules: a breakpoint on any line of a module (in the workflow file or a step
 * file) stands for that module and moves to its first line; a line outside every module is
 * unverified. Conditions (Jinja2), hit counts and logpoints are checked before the module runs.
 */
import type { ObservedModule } from "../core/engine/context";
import { conditionHolds, logMessage, type ExpressionScope } from "./expressions";
import type { SourceMap } from "./source-map";

export interface BreakpointRequest {
  /** 0-based. */
  line: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface PlacedBreakpoint {
  id: number;
  verified: boolean;
  /** 0-based: the module's first line when verified, else the line asked. */
  line: number;
  message?: string;
  stepId?: string;
  moduleName?: string;
}

interface Entry extends PlacedBreakpoint {
  request: BreakpointRequest;
  hits: number;
}

export interface BreakpointCheck {
  /** Ids of the breakpoints that stop here (none: run on). */
  stop: number[];
  /** Logpoint lines to print. */
  logs: string[];
  /** Conditions that failed to evaluate (printed; such a breakpoint stops, as a debugger would). */
  errors: string[];
}

/** `hitCondition`: `N` / `== N` (the Nth hit), `>= N`, `> N`, `<= N`, `< N`, `% N` (every Nth). */
export function hitConditionHolds(condition: string | undefined, hits: number): boolean {
  if (condition === undefined || condition.trim() === "") return true;
  const match = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(condition);
  if (!match) return true;
  const n = Number(match[2]);
  switch (match[1]) {
    case ">=":
      return hits >= n;
    case ">":
      return hits > n;
    case "<=":
      return hits <= n;
    case "<":
      return hits < n;
    case "%":
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}

export class Breakpoints {
  private readonly byFile = new Map<string, Entry[]>();
  private nextId = 1;

  /** Replaces the breakpoints of a root-relative file (undefined: outside the workflow's folder). */
  set(file: string | undefined, requests: readonly BreakpointRequest[], map: SourceMap | undefined): PlacedBreakpoint[] {
    const entries: Entry[] = requests.map((request) => {
      const id = this.nextId++;
      const range = file !== undefined ? map?.moduleAt(file, request.line) : undefined;
      if (!range) {
        const message = file === undefined ? "this file is not part of the workflow's folder" : map ? "no module on this line: a breakpoint stops before a module, so it goes on a line of a module" : "the workflow is not loaded yet";
        return { id, verified: false, line: request.line, message, request, hits: 0 };
      }
      return { id, verified: true, line: range.startLine, stepId: range.stepId, moduleName: range.moduleName, request, hits: 0 };
    });
    if (file !== undefined) this.byFile.set(file, entries);
    return entries.map(({ request: _request, hits: _hits, ...placed }) => placed);
  }

  /** Places again, under its root-relative name, what was set by path before the workflow was loaded. */
  move(path: string, file: string, requests: readonly BreakpointRequest[], map: SourceMap | undefined): void {
    this.byFile.delete(path);
    this.set(file, requests, map);
  }

  /** The requests of every file, to place again once the workflow is loaded. */
  requests(): Array<[file: string, requests: BreakpointRequest[]]> {
    return [...this.byFile].map(([file, entries]) => [file, entries.map((entry) => entry.request)]);
  }

  private on(module: Pick<ObservedModule, "stepId" | "moduleName">): Entry[] {
    const out: Entry[] = [];
    for (const entries of this.byFile.values()) {
      for (const entry of entries) if (entry.verified && entry.stepId === module.stepId && entry.moduleName === module.moduleName) out.push(entry);
    }
    return out;
  }

  has(module: Pick<ObservedModule, "stepId" | "moduleName">): boolean {
    return this.on(module).some((entry) => entry.request.logMessage === undefined);
  }

  /** Counts hits and evaluates conditions for a module about to run. */
  check(module: Pick<ObservedModule, "stepId" | "moduleName">, scope: () => ExpressionScope): BreakpointCheck {
    const result: BreakpointCheck = { stop: [], logs: [], errors: [] };
    for (const entry of this.on(module)) {
      const { condition, hitCondition, logMessage: message } = entry.request;
      if (condition !== undefined && condition.trim() !== "") {
        try {
          if (!conditionHolds(condition, scope())) continue;
        } catch (error) {
          result.errors.push(`breakpoint condition ${JSON.stringify(condition)} failed: ${(error as Error).message}`);
          result.stop.push(entry.id);
          continue;
        }
      }
      entry.hits++;
      if (!hitConditionHolds(hitCondition, entry.hits)) continue;
      if (message !== undefined) {
        try {
          result.logs.push(logMessage(message, scope()));
        } catch (error) {
          result.logs.push(`logpoint ${JSON.stringify(message)} failed: ${(error as Error).message}`);
        }
        continue;
      }
      result.stop.push(entry.id);
    }
    return result;
  }
}
