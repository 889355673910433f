/** The run budgets from the settings (issue 11.1): `wfv.limits.memoryMb`, `wfv.limits.runSeconds`. */
import * as vscode from "vscode";
import { DEFAULT_BUDGETS, type Budgets } from "../node/isolate";

export function runBudgets(): Budgets {
  const config = vscode.workspace.getConfiguration("wfv.limits");
  const memoryMb = config.get<number>("memoryMb", DEFAULT_BUDGETS.memoryMb);
  const runSeconds = config.get<number>("runSeconds", 60);
  return {
    memoryMb: Number.isFinite(memoryMb) && memoryMb >= 64 ? memoryMb : DEFAULT_BUDGETS.memoryMb,
    runSeconds: Number.isFinite(runSeconds) && runSeconds > 0 ? runSeconds : 60,
  };
}
