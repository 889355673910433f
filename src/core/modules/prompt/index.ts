/** The `prompt.*` modules: building prompts from selected groups. */
import type { ModuleFactory } from "../types";
import { BuildGroupedPromptModule } from "./build-grouped-prompt";

export const PROMPT_MODULES: readonly ModuleFactory[] = [() => new BuildGroupedPromptModule()];
