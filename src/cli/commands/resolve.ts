import { computeContentHash } from "../../core/workflow/content-hash";
import { validateWorkflow } from "../../core/workflow/model";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, resolvePath, type CliCommand } from "../io";
import { resolveWorkflowFile } from "../workspace-files";
import { BUDGET_OPTIONS, budgetUsage, budgetsFrom } from "../budgets";

const usage = `Usage: wfv resolve <workflow.json> [--pretty] [--details] [--no-validate]

Resolves every $ref of the workflow (engine.md 1.9) and prints the resolved workflow as JSON.
Refs are read relative to the file that holds them and may not leave the workflow file's folder.

Options:
  --pretty       Indent the output.
  --details      Print {workflow, content_hash, files, sources}: the content hash (engine.md 1.10),
                 every file read, and where each replaced $ref node came from.
  --no-validate  Skip the workflow schema check (resolve any JSON file).

Failures print {"error", "error_type": "workflow_invalid", "details"} and exit 1; details name the
referencing file, the json_path of the $ref and a reason (missing_file, invalid_json, cycle,
outside_root, bad_ref_type, bad_ref_value), or the schema issues with their JSON paths.

${budgetUsage()}`;

export const resolveCommand: CliCommand = {
  summary: "Resolve a workflow's $refs and print the resolved workflow",
  usage,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      pretty: { type: "boolean" },
      details: { type: "boolean" },
      "no-validate": { type: "boolean" },
      ...BUDGET_OPTIONS,
    });
    budgetsFrom(values);
    if (positionals.length !== 1) throw new UsageError("resolve takes exactly one workflow file");
    const resolved = resolveWorkflowFile(resolvePath(io, positionals[0]!));
    if (!values["no-validate"]) validateWorkflow(resolved.workflow);
    const output = values.details
      ? {
          workflow: resolved.workflow,
          content_hash: computeContentHash(resolved.workflow),
          files: resolved.files,
          sources: resolved.sources,
        }
      : resolved.workflow;
    printJson(io, output, values.pretty ?? false);
    return EXIT_OK;
  },
};
