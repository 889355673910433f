/** Loads the golden fixtures with Python's int/float distinction kept (`1.0` stays a float). */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { NaiveDateTime, parseJsonKeepingFloats, toNative, type TemplateContext } from "../../src/core/template";
import { fixturesDir } from "../helpers/paths";

export function readFixture<T>(name: string): T {
  return parseJsonKeepingFloats(readFileSync(resolve(fixturesDir, name), "utf8")) as T;
}

/** Both golden files freeze `now()` at 2026-02-14 09:05:07 local time. */
export const frozenNow = (): NaiveDateTime => NaiveDateTime.parseIso("2026-02-14T09:05:07");

export function contextWith(partial: Omit<TemplateContext, "now">): TemplateContext {
  return { ...partial, now: frozenNow };
}

/** Fixture values hold `PyFloat`s; resolved values are plain numbers. */
export function plain(value: unknown): unknown {
  return toNative(value);
}
