/** The `io.*` modules: files, templates, validation and the keyword store. */
import type { ModuleFactory } from "../types";
import { ClientWriteModule } from "./client-write";
import { RenderTemplateModule } from "./render-template";
import { WeightedKeywordsModule } from "./weighted-keywords";

export const IO_MODULES: readonly ModuleFactory[] = [
  () => new RenderTemplateModule(),
  () => new WeightedKeywordsModule(),
  () => new ClientWriteModule(),
];
