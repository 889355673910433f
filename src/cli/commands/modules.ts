import { createDefaultModuleRegistry } from "../../core/modules";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, type CliCommand } from "../io";

const usage = `Usage: wfv modules [<module_id>...] [--pretty]

Prints every registered module as a JSON array of
{module_id, kind, inputs, outputs, has_mock_output, has_sub_action}, where each input is
{name, type, required, default?, description} (modules.md 1.1). With module ids, prints only those,
in the order given.

Options:
  --pretty   Indent the output.

An unknown module id prints {"error", "error_type": "module_not_registered", "details": {module_id,
close_matches}} and exits 1.`;

export const modulesCommand: CliCommand = {
  summary: "List every registered module with its declared inputs and outputs",
  usage,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { pretty: { type: "boolean" } });
    const registry = createDefaultModuleRegistry();
    const all = registry.listModules();
    let selected = all;
    if (positionals.length > 0) {
      selected = positionals.map((moduleId) => {
        registry.getModule(moduleId); // throws module_not_registered with close matches
        const summary = all.find((entry) => entry.module_id === moduleId);
        if (summary === undefined) throw new UsageError(`module ${moduleId} is not listed`);
        return summary;
      });
    }
    printJson(io, selected, values.pretty ?? false);
    return EXIT_OK;
  },
};
