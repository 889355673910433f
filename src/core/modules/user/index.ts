/** The `user.*` modules: interactions answered by the author. */
import type { ModuleFactory } from "../types";
import { FileInputModule } from "./file-input";
import { FormModule } from "./form";
import { PauseModule } from "./pause";
import { SelectModule } from "./select";
import { TextInputModule } from "./text-input";

export const USER_MODULES: readonly ModuleFactory[] = [
  () => new TextInputModule(),
  () => new SelectModule(),
  () => new FormModule(),
  () => new PauseModule(),
  () => new FileInputModule(),
];
