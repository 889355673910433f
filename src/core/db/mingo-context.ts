/**
 * The one mingo configuration the virtual DB uses: an explicit operator context (no global
 * `useOperators` side effects), scripts disabled, a few stages replaced where mingo differs from
 * MongoDB (see stages.ts), and a collection resolver for `$lookup`/`$unionWith`/`$graphLookup`.
 */
import { Context, ProcessingMode } from "mingo";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import * as windowOperators from "mingo/operators/window";
import type { Options, CollectionResolver, AnyObject } from "mingo/types";
import { addToSetSkippingMissing, bsonSort, bucketAsGroup, lookupInForeignOrder, pushSkippingMissing, sampleWithoutReplacement, typeQuery } from "./stages";
import {
  cappedConcat,
  cappedConcatArrays,
  cappedRange,
  cappedReplaceAll,
  cappedStage,
  safeRegexFind,
  safeRegexFindAll,
  safeRegexMatch,
  safeRegexQuery,
} from "./limits";

/** Operators the virtual DB refuses, with the reason given to the caller. */
export const REFUSED_OPERATORS: Readonly<Record<string, string>> = {
  $where: "runs JavaScript",
  $function: "runs JavaScript",
  $accumulator: "runs JavaScript",
  $out: "writes to a collection from a pipeline",
  $merge: "writes to a collection from a pipeline",
};

function without(ops: object, names: readonly string[]): Record<string, never> {
  const copy: Record<string, unknown> = { ...(ops as Record<string, unknown>) };
  for (const name of names) delete copy[name];
  return copy as Record<string, never>;
}

const refusedNames = Object.keys(REFUSED_OPERATORS);

/** Every stage counts what it emits (limits.ts): a pipeline cannot grow without bound. */
function capped(stages: Record<string, unknown>): Record<string, never> {
  return Object.fromEntries(Object.entries(stages).map(([name, stage]) => [name, cappedStage(name, stage as never)])) as Record<string, never>;
}

const baseContext = Context.init({
  accumulator: { ...without(accumulatorOperators, refusedNames), $push: pushSkippingMissing as never, $addToSet: addToSetSkippingMissing as never },
  expression: {
    ...without(expressionOperators, refusedNames),
    $range: cappedRange as never,
    $concatArrays: cappedConcatArrays as never,
    $concat: cappedConcat as never,
    $replaceAll: cappedReplaceAll as never,
    $regexMatch: safeRegexMatch as never,
    $regexFind: safeRegexFind as never,
    $regexFindAll: safeRegexFindAll as never,
  },
  pipeline: capped({
    ...without(pipelineOperators, refusedNames),
    $sort: bsonSort as never,
    $sample: sampleWithoutReplacement as never,
    $bucket: bucketAsGroup as never,
    $lookup: lookupInForeignOrder as never,
  }),
  projection: without(projectionOperators, refusedNames),
  query: { ...without(queryOperators, refusedNames), $type: typeQuery as never, $regex: safeRegexQuery as never },
  window: without(windowOperators, refusedNames),
});

export function mingoOptions(collectionResolver: CollectionResolver): Partial<Options> {
  return {
    context: baseContext,
    scriptEnabled: false,
    useStrictMode: true,
    failOnError: true,
    processingMode: ProcessingMode.CLONE_OFF,
    collectionResolver,
  };
}

export type { AnyObject };
