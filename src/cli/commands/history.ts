/** `wfv history <dbfile>`: answered interactions and the pending one (the virtual interaction-history route). */
import { VirtualSession } from "../../core/virtual";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, type CliCommand } from "../io";
import { requireDbText } from "../db-file";

const usage = `Usage: wfv history <dbfile> [--run <id>] [--pretty]

Prints {workflow_run_id, interactions, pending_interaction}: every answered interaction on the current
lineage ({interaction_id, request, response, timestamp, step_id, module_name}, in answer order) and the
raw data of the interaction still waiting for an answer, if any.`;

export const historyCommand: CliCommand = {
  summary: "Print the virtual run's interaction history from a DB file",
  usage,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { run: { type: "string" }, pretty: { type: "boolean" } });
    if (positionals.length !== 1) throw new UsageError("history takes exactly one DB file");
    const session = VirtualSession.open(requireDbText(io, positionals[0]!));
    const runId = values.run ?? session.findRunId();
    printJson(io, { workflow_run_id: runId, ...session.interactionHistory(runId) }, values.pretty ?? false);
    return EXIT_OK;
  },
};
