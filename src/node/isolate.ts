/**
 * Isolation with budgets (issue 11.1): engine work runs outside the caller's process, in a worker with
 * a capped old generation, under a wall-clock budget the caller enforces (kill on expiry). A worker
 * that goes over either answers a structured `limit_exceeded` error, and the caller stays up.
 *
 * The worker is a child Node process, not a `worker_threads` worker: a worker thread's
 * `resourceLimits` does not hold for every allocation (one array grown past the cap by `push`, as
 * `{{ [1]|batch(10**9, 0)|list|length }}` does, aborts the whole process: nodejs/node#47224), and the
 * host must stay up. The child gets `--max-old-space-size`; V8 aborting it is the memory limit.
 *
 * Two shapes use this:
 * - `runIsolated`: one task, one worker, one answer (the CLI's run/render/resolve). A `wfv serve`
 *   pool keeps `startBudgetWorker` workers instead, sends each request as a message, arms the
 *   request's timer, and on `died` (or its own kill) answers that request `limitExceeded(...)` and
 *   starts a replacement (src/extension/worker-engine.ts is such a host, with one worker);
 * - a long-lived worker (`startBudgetWorker`): the extension's engine, which keeps its live DBs in it.
 */
import { fork, type ChildProcess, type Serializable } from "node:child_process";
import { EventEmitter } from "node:events";
import { WfvError } from "../core/errors";

export interface Budgets {
  /** The worker's old-generation heap cap, in MB. */
  memoryMb: number;
  /** The wall-clock budget of one task, in seconds. */
  runSeconds: number;
}

export const DEFAULT_BUDGETS: Readonly<Budgets> = Object.freeze({ memoryMb: 2048, runSeconds: 120 });

export type LimitKind = "memory" | "time";

/** Where the run that went over was: its target module, when the task has one. */
export interface LimitSite {
  module_name?: string | null;
  step_id?: string | null;
}

/** The structured error of a task that went over its budget. */
export function limitExceeded(limit: LimitKind, budgets: Budgets, site: LimitSite = {}, extra: Record<string, unknown> = {}): WfvError {
  const value = limit === "memory" ? budgets.memoryMb : budgets.runSeconds;
  const message =
    limit === "memory"
      ? `The run went over its memory budget (${value} MB) and was stopped`
      : `The run went over its time budget (${value} s) and was stopped`;
  return new WfvError("limit_exceeded", message, { limit, value, module_name: site.module_name ?? null, step_id: site.step_id ?? null, ...extra });
}

/** How a worker is started: a Node script (extra `execArgv`, e.g. a TypeScript loader in tests). */
export interface WorkerScript {
  file: string;
  execArgv?: string[];
  /** Given to the worker as the WFV_ISOLATED_DATA environment variable (JSON). */
  workerData?: unknown;
  /** "inherit": the worker reads this process's standard input (the CLI's `-` and `@-`); default none. */
  stdin?: "inherit" | "ignore";
}

/** A worker under budgets (a child Node process). */
export interface BudgetWorker {
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: unknown) => void): this;
  /** The worker is gone: `limit` is "memory" when V8 gave up on its heap cap, else null (`error` says why). */
  on(event: "died", listener: (death: { limit: LimitKind | null; error: Error }) => void): this;
  /** Kills it (SIGKILL); settles once it is gone. */
  terminate(): Promise<void>;
  /** It no longer keeps this process alive while idle (`ref` undoes that). */
  unref(): void;
  ref(): void;
}

// "invalid size error" (a SIGTRAP, exit 133): V8 refused an array or string past its largest size,
// as `{{ [1]|batch(10**9, 0)|list }}` asks under a heap cap of 2 GB or more.
const OOM = /out of memory|heap limit|Allocation failed|invalid size error|invalid array length/i;

class ChildBudgetWorker extends EventEmitter implements BudgetWorker {
  private readonly child: ChildProcess;
  private stderrTail = "";
  private readonly exited: Promise<void>;

  constructor(script: WorkerScript, budgets: Budgets) {
    super();
    this.child = fork(script.file, [], {
      execArgv: [...(script.execArgv ?? []), `--max-old-space-size=${Math.max(16, Math.floor(budgets.memoryMb))}`],
      serialization: "advanced",
      stdio: [script.stdin ?? "ignore", "inherit", "pipe", "ipc"],
      env: { ...process.env, ...(script.workerData === undefined ? {} : { WFV_ISOLATED_DATA: JSON.stringify(script.workerData) }) },
    });
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.child.on("message", (message) => this.emit("message", message));
    let died = false;
    const die = (limit: LimitKind | null, error: Error): void => {
      if (died) return;
      died = true;
      this.emit("died", { limit, error });
    };
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        const limit = OOM.test(this.stderrTail) || signal === "SIGABRT" || signal === "SIGTRAP" || code === 134 || code === 133 ? "memory" : null;
        const tail = this.stderrTail.trim().split("\n").slice(-3).join(" ");
        die(limit, new Error(`the isolated worker ended (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ""}`));
        resolve();
      });
    });
    this.child.on("error", (error) => die(null, error));
  }

  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as Serializable);
  }

  async terminate(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  unref(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | null | undefined)?.unref?.();
  }

  ref(): void {
    this.child.ref();
    (this.child.channel as { ref?: () => void } | null | undefined)?.ref?.();
  }
}

/** A worker with the memory budget applied (the time budget is the host's: `terminate`). */
export function startBudgetWorker(script: WorkerScript, budgets: Budgets): BudgetWorker {
  return new ChildBudgetWorker(script, budgets);
}

/** Inside a worker: how it talks to its host (null when this process is not one). */
export function hostPort(): { post(message: unknown): void; on(listener: (message: unknown) => void): void } | null {
  if (typeof process.send !== "function") return null;
  return {
    post: (message) => {
      process.send?.(message as Serializable);
    },
    on: (listener) => {
      process.on("message", listener);
      // The host going away ends the worker.
      process.on("disconnect", () => process.exit(0));
    },
  };
}

/** What a one-shot worker posts: its answer, or the error it threw (as the WfvError shape when it is one). */
export type IsolatedAnswer<T> = { ok: true; value: T } | { ok: false; error: AnswerError };

export interface AnswerError {
  message: string;
  error_type?: string;
  details?: Record<string, unknown>;
  stack?: string;
}

/**
 * Runs one task in a fresh worker under `budgets`: the worker posts one answer (`answerFromWorker`).
 * Resolves with its value; rejects with the task's own error (a `WfvError` when it threw one), with
 * `limit_exceeded` (memory, or time: the worker is killed on expiry), or with the worker's crash.
 * `onMessage` sees every other message the worker posts (output, progress).
 */
export function runIsolated<T>(
  script: WorkerScript,
  budgets: Budgets,
  options: { site?: LimitSite; onMessage?: (message: unknown) => void; signal?: AbortSignal } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = startBudgetWorker(script, budgets);
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      outcome();
      void worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(limitExceeded("time", budgets, options.site))), budgets.runSeconds * 1000);
    const onAbort = (): void => finish(() => reject(new WfvError("execution_failed", "The run was cancelled", { cancelled: true })));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (message: unknown) => {
      if (isAnswer(message)) finish(() => (message.answer.ok ? resolve(message.answer.value as T) : reject(errorFromAnswer(message.answer.error))));
      else options.onMessage?.(message);
    });
    worker.on("died", (death) => finish(() => reject(death.limit === "memory" ? limitExceeded("memory", budgets, options.site) : death.error)));
  });
}

/** Inside a one-shot worker: runs `task` and posts its answer (or its error) as `runIsolated` expects. */
export async function answerFromWorker<T>(post: (message: unknown) => void, task: () => Promise<T>): Promise<void> {
  let answer: IsolatedAnswer<T>;
  try {
    answer = { ok: true, value: await task() };
  } catch (error) {
    answer = { ok: false, error: errorToAnswer(error) };
  }
  post({ isolated_answer: true, answer });
}

export function errorToAnswer(error: unknown): AnswerError {
  if (error instanceof WfvError) return { message: error.message, error_type: error.errorType, details: error.details, stack: error.stack };
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  return { message: String(error) };
}

export function errorFromAnswer(error: AnswerError): Error {
  if (error.error_type) return new WfvError(error.error_type as WfvError["errorType"], error.message, error.details ?? {});
  const out = new Error(error.message);
  if (error.stack) out.stack = error.stack;
  return out;
}

function isAnswer(message: unknown): message is { isolated_answer: true; answer: IsolatedAnswer<unknown> } {
  return typeof message === "object" && message !== null && (message as { isolated_answer?: unknown }).isolated_answer === true;
}
