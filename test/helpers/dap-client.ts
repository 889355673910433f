/**
 * A small Debug Adapter Protocol client for tests: Content-Length framing over a child process's
 * stdio, requests that resolve with their responses, and events waited for by a predicate.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { DebugProtocol } from "@vscode/debugprotocol";

export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (response: DebugProtocol.Response) => void>();
  private readonly events: DebugProtocol.Event[] = [];
  private waiters: Array<{ match: (event: DebugProtocol.Event) => boolean; resolve: (event: DebugProtocol.Event) => void }> = [];
  /** Every event seen, in order (for assertions on what was printed). */
  readonly seen: DebugProtocol.Event[] = [];
  stderr = "";

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static spawn(command: string, args: string[], cwd: string): DapClient {
    return new DapClient(spawn(command, args, { cwd, stdio: ["pipe", "pipe", "pipe"] }));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as DebugProtocol.ProtocolMessage);
    }
  }

  private dispatch(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === "response") {
      const response = message as DebugProtocol.Response;
      this.pending.get(response.request_seq)?.(response);
      this.pending.delete(response.request_seq);
      return;
    }
    if (message.type !== "event") return;
    const event = message as DebugProtocol.Event;
    this.seen.push(event);
    const waiter = this.waiters.find((candidate) => candidate.match(event));
    if (waiter) {
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      waiter.resolve(event);
    } else this.events.push(event);
  }

  /** Sends a request; resolves with its response (failed ones too: check `success`). */
  request<T extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<T> {
    const seq = this.seq++;
    const message = JSON.stringify({ seq, type: "request", command, arguments: args });
    return new Promise((resolve) => {
      this.pending.set(seq, resolve as (response: DebugProtocol.Response) => void);
      this.child.stdin.write(`Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    });
  }

  /**
   * Sends requests in one write, so the adapter reads them in one chunk and handles them back to back
   * (a `pause` right behind a `continue` reaches the run before its next module).
   */
  requestTogether(requests: Array<{ command: string; args?: unknown }>): Array<Promise<DebugProtocol.Response>> {
    let frames = "";
    const responses = requests.map(({ command, args }) => {
      const seq = this.seq++;
      const message = JSON.stringify({ seq, type: "request", command, arguments: args });
      frames += `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`;
      return new Promise<DebugProtocol.Response>((resolve) => this.pending.set(seq, resolve));
    });
    this.child.stdin.write(frames);
    return responses;
  }

  /** A request that must succeed: its body. */
  async call<B = any>(command: string, args?: unknown): Promise<B> {
    const response = await this.request(command, args);
    if (!response.success) throw new Error(`${command} failed: ${response.message} ${JSON.stringify(response.body ?? {})}\n${this.stderr}`);
    return response.body as B;
  }

  /** The next (or an already queued) event named `name` that matches. */
  event<E extends DebugProtocol.Event = DebugProtocol.Event>(name: string, match: (event: E) => boolean = () => true): Promise<E> {
    const test = (event: DebugProtocol.Event) => event.event === name && match(event as E);
    const queued = this.events.findIndex(test);
    if (queued >= 0) return Promise.resolve(this.events.splice(queued, 1)[0] as E);
    return new Promise((resolve) => this.waiters.push({ match: test, resolve: resolve as (event: DebugProtocol.Event) => void }));
  }

  stopped(): Promise<DebugProtocol.StoppedEvent> {
    return this.event<DebugProtocol.StoppedEvent>("stopped");
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}
