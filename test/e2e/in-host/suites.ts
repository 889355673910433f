/**
 * The in-host suites beyond index.ts's own ("core"), run in this order after activation with trust on.
 * A feature adds a file exporting `async (ctx: InHostContext) => void` and one line here.
 */
import type { InHostContext } from "./kit";
import debug from "./debug";
import inlay from "./inlay";
import interactions from "./interactions";
import preview from "./preview";
import stateView from "./state-view";
import story from "./story";
import traps from "./traps";

export const SUITES: { name: string; run: (ctx: InHostContext) => Promise<void> }[] = [
  { name: "state-view", run: stateView },
  { name: "story", run: story },
  { name: "interactions", run: interactions },
  { name: "preview", run: preview },
  { name: "inlay", run: inlay },
  { name: "traps", run: traps },
  { name: "debug", run: debug },
];
