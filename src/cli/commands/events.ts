/** `wfv events <dbfile>`: the virtual run's event log. */
import type { EventTypeName } from "../../core/repositories";
import { VirtualSession } from "../../core/virtual";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, type CliCommand } from "../io";
import { requireDbText } from "../db-file";

const usage = `Usage: wfv events <dbfile> [--lineage] [--type <t>] [--step <id>] [--module <name>] [--run <id>] [--jsonl] [--pretty]

Prints {workflow_run_id, events, total_count}, events in event_id order.

Options:
  --lineage        Only the current branch's lineage (what state is rebuilt from); default every branch.
  --type <t>       Only events of this event_type.
  --step <id>      Only events of this step.
  --module <name>  Only events of this module.
  --run <id>       A run other than the virtual run (e.g. a sub-action child run).
  --jsonl          One event per line instead.
  --pretty         Indent the output.`;

export const eventsCommand: CliCommand = {
  summary: "Print the virtual run's events from a DB file",
  usage,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      lineage: { type: "boolean" },
      type: { type: "string" },
      step: { type: "string" },
      module: { type: "string" },
      run: { type: "string" },
      jsonl: { type: "boolean" },
      pretty: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("events takes exactly one DB file");
    const session = VirtualSession.open(requireDbText(io, positionals[0]!));
    const runId = values.run ?? session.findRunId();
    let events = runId
      ? values.lineage
        ? session.repos.events.getLineageEvents(runId)
        : session.repos.events.getEvents(runId)
      : [];
    if (values.type) events = events.filter((event) => event.event_type === (values.type as EventTypeName));
    if (values.step) events = events.filter((event) => event.step_id === values.step);
    if (values.module) events = events.filter((event) => event.module_name === values.module);
    const shaped = events.map(({ event_id, event_type, timestamp, step_id, module_name, branch_id, data }) => ({
      event_id,
      event_type,
      timestamp,
      step_id: step_id ?? null,
      module_name: module_name ?? null,
      branch_id,
      data,
    }));
    if (values.jsonl) {
      for (const event of shaped) printJson(io, event);
      return EXIT_OK;
    }
    printJson(io, { workflow_run_id: runId, events: shaped, total_count: shaped.length }, values.pretty ?? false);
    return EXIT_OK;
  },
};
