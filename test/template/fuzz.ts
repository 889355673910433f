/**
 * Manual fuzzing against Python Jinja2 with another seed and a bigger random share than the
 * checked-in differential test: `npx tsx test/template/fuzz.ts [seed] [expressions] [statements]`.
 * Prints the templates where wfv and Python disagree (allow-listed ones included).
 */
import { generateCorpus } from "./corpus";
import { runPython, runWfv, sameOutcome } from "./differential";

const [seed = 1, expressions = 3000, statements = 2000] = process.argv.slice(2).map(Number);
const corpus = generateCorpus(seed, 2, expressions, statements);
const python = runPython(corpus);
let differing = 0;
corpus.forEach((testCase, i) => {
  const ours = runWfv(testCase);
  if (sameOutcome(ours, python[i])) return;
  differing++;
  console.log(`${JSON.stringify(testCase.template)}\n  wfv:    ${JSON.stringify(ours).slice(0, 400)}\n  python: ${JSON.stringify(python[i]).slice(0, 400)}`);
});
console.log(`seed ${seed}: ${differing} of ${corpus.length} differ`);
