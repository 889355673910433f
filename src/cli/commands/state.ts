/** `wfv state <dbfile>`: the virtual run's state, rebuilt from the DB's events. */
import { VirtualSession } from "../../core/virtual";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, type CliCommand } from "../io";
import { requireDbText } from "../db-file";

const usage = `Usage: wfv state <dbfile> [--full] [--run <id>] [--pretty]

Prints {workflow_run_id, state, position}: the flat state (module outputs under module names plus
outputs_to_state keys, engine.md 2.5) and the run's position on its current branch.

Options:
  --full      Print the virtual server's /workflow/state instead: {steps, state_mapped, files}.
  --run <id>  A run other than the virtual run (e.g. a sub-action child run).
  --pretty    Indent the output.`;

export const stateCommand: CliCommand = {
  summary: "Print the virtual run's state from a DB file",
  usage,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      full: { type: "boolean" },
      run: { type: "string" },
      pretty: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("state takes exactly one DB file");
    const session = VirtualSession.open(requireDbText(io, positionals[0]!));
    const runId = values.run ?? session.findRunId();
    if (values.full) {
      printJson(io, { workflow_run_id: runId, ...session.state(runId) }, values.pretty ?? false);
      return EXIT_OK;
    }
    const state = runId ? session.repos.state.getModuleOutputs(runId) : {};
    const position = runId ? session.repos.state.getWorkflowPosition(runId) : null;
    printJson(io, { workflow_run_id: runId, state, position }, values.pretty ?? false);
    return EXIT_OK;
  },
};
