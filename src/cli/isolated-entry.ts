/**
 * dist/cli-worker.js: the budgeted worker of `wfv run|render|resolve` (./isolated.ts starts it under
 * `--max-memory-mb` and `--timeout`). It runs the command line it is given with `runWfv`, in process,
 * and posts what the command writes, the modules it starts and, last, its exit code.
 */
import { answerFromWorker, hostPort } from "../node/isolate";
import { runWfv } from "./cli";
import { processIo, type CliIo } from "./io";
import type { IsolatedCommandData, IsolatedCommandMessage } from "./isolated";

const port = hostPort();
if (port) {
  const data = JSON.parse(process.env.WFV_ISOLATED_DATA ?? "{}") as IsolatedCommandData;
  delete process.env.WFV_ISOLATED_DATA;
  // The host going away (a closed pipe, Ctrl+C) ends the command.
  process.on("disconnect", () => process.exit(0));
  const post = (message: IsolatedCommandMessage): void => port.post(message);
  const io: CliIo = {
    ...processIo(),
    cwd: data.cwd,
    stdout: (text) => post({ wfv_output: "stdout", text }),
    stderr: (text) => post({ wfv_output: "stderr", text }),
    progress: (progress) => post({ wfv_progress: progress }),
  };
  // Loaded: the command's time budget starts now.
  post({ wfv_ready: true });
  void answerFromWorker(port.post, () => runWfv(data.argv, io));
}
