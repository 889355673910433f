/**
 * `wfv dap`: the workflow debugger (src/debug) as a Debug Adapter Protocol server over stdin/stdout,
 * for editors other than VS Code (nvim-dap, Emacs dap-mode) and for tests. Workflow files are read
 * from disk; the DB is `--db F` or the launch configuration's `db` (read, never written), else fresh.
 */
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { VirtualSession } from "../../core/virtual/session";
import { nodeGzipCodec } from "../../node/gzip";
import { WorkflowDebugSession } from "../../debug/session";
import type { DebugTarget, DebugTargetLoader, WfvLaunchArguments } from "../../debug/target";
import { readDbText } from "../db-file";
import { parseCommandArgs, type CliCommand, type CliIo } from "../io";
import { directoryFileReader, resolveWorkflowFile } from "../workspace-files";

const USAGE = `Usage: wfv dap [--db <file>]

Runs the workflow debugger: Debug Adapter Protocol over stdin/stdout (Content-Length framing), for
nvim-dap, Emacs dap-mode and other DAP clients. Launch configuration:
  {"workflow": "<file>", "target": {"step_id", "module_name"}?, "mock": true, "fresh": false,
   "stopOnEntry": false, "stopOnInteraction": true, "db": "<file>"?}
Breakpoints go on any line of a module (workflow or step file); conditions and logpoints are Jinja2.
Custom requests: wfvInteraction (the pending interaction), wfvAnswer {response} (answer it and go on).

--db   the virtual DB file to debug on (the launch's "db" wins); read, never written. Fresh without it.`;

/** Loads the workflow from disk and opens the DB file (or a fresh DB). */
export function diskTargetLoader(io: CliIo, defaultDb: string | undefined): DebugTargetLoader {
  return {
    async load(args: WfvLaunchArguments): Promise<DebugTarget> {
      const workflowFile = resolve(io.cwd, args.workflow);
      const root = dirname(workflowFile);
      const source = resolveWorkflowFile(workflowFile);
      const reader = directoryFileReader(root);
      const texts = new Map<string, string | undefined>();
      const dbPath = args.fresh ? undefined : (args.db ?? defaultDb);
      const blob = dbPath === undefined ? null : readDbText(io, dbPath);
      const session = VirtualSession.open(blob, { codec: nodeGzipCodec });
      return {
        workflowFile,
        source,
        fileText(file) {
          if (!texts.has(file)) texts.set(file, reader.read(file));
          return texts.get(file);
        },
        absolutePath: (file) => resolve(root, ...file.split("/")),
        relativeFile(path) {
          const inside = relative(root, resolve(io.cwd, path));
          if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) return undefined;
          return inside.split(sep).join("/");
        },
        session,
        mock: args.mock !== false,
        // Nothing else uses this DB: the session queues its own calls.
        inTurn: (work) => work(),
      };
    },
  };
}

export const dapCommand: CliCommand = {
  summary: "Debug a workflow: Debug Adapter Protocol over stdio (breakpoints, stepping, step back)",
  usage: USAGE,
  // The adapter owns stdin/stdout until the client disconnects or closes the stream.
  run(args, io) {
    const { values } = parseCommandArgs(args, { db: { type: "string" } });
    const session = new WorkflowDebugSession(diskTargetLoader(io, values.db));
    session.start(process.stdin, process.stdout);
    return new Promise<number>((done) => {
      process.stdin.on("end", () => done(0));
      session.on("close", () => done(0));
    });
  },
};

