/** The `api.*` modules: calls to LLM and HTTP providers (mock by default in virtual runs). */
import type { ModuleFactory } from "../types";
import { ApiFetchModule } from "./fetch";
import { LlmCallModule } from "./llm";

export const API_MODULES: readonly ModuleFactory[] = [() => new LlmCallModule(), () => new ApiFetchModule()];
