/** The `media.*` modules: prompts per media provider, generation through a sub-action, the user's pick. */
import type { ModuleFactory } from "../types";
import { MediaGenerateModule } from "./generate";
import { MediaGenerateV2Module } from "./generate-v2";

export const MEDIA_MODULES: readonly ModuleFactory[] = [() => new MediaGenerateModule(), () => new MediaGenerateV2Module()];
