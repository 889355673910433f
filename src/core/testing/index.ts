/**
 * Workflow tests (tracker issue 13): a virtual run saved as a `*.wfvtest.json` file (test-file.ts),
 * recorded from a DB (record.ts), replayed deterministically without provider calls and compared
 * (replay.ts, recording.ts, diff.ts); pinned module outputs (pins.ts).
 */
export * from "./test-file";
export * from "./diff";
export * from "./pins";
export * from "./recording";
export * from "./replay";
export * from "./record";
