/**
 * Lorem ipsum for mock text (modules.md §4.4). The original's lorem-text is unseeded; ours takes the
 * seeded random source, so a mock run gives the same text every time (ruling 5).
 */
import { pick, randomInt, type RandomSource } from "./random";

const WORDS = (
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore " +
  "magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo " +
  "consequat duis aute irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur excepteur " +
  "sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum"
).split(" ");

export function loremWords(random: RandomSource, count: number): string {
  return Array.from({ length: count }, () => pick(random, WORDS)).join(" ");
}

/** One sentence: 4–12 words, the first capitalised, ending in "." (or now and then "?"). */
export function loremSentence(random: RandomSource): string {
  const words = loremWords(random, randomInt(random, 4, 12));
  return words.charAt(0).toUpperCase() + words.slice(1) + (random() < 0.1 ? "?" : ".");
}

/** `generate_lorem_text(sentences)`: one sentence for 1, else one paragraph of 4–8 sentences. */
export function generateLoremText(random: RandomSource, sentences = 2): string {
  if (sentences <= 1) return loremSentence(random);
  return Array.from({ length: randomInt(random, 4, 8) }, () => loremSentence(random)).join(" ");
}
