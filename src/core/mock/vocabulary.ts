/**
 * A small word stock for plausible mock strings (issue 12): a title gets a title, a hook a sentence, a
 * keyword a word. Written for wfv (no copied corpus); every draw goes through the seeded random source.
 */
import { pick, randomInt, type RandomSource } from "./random";

const ADJECTIVES = [
  "quiet", "golden", "sleepy", "curious", "bright", "gentle", "playful", "misty", "cozy", "brave",
  "tiny", "wild", "warm", "silver", "hidden", "bold", "soft", "lively", "calm", "rustic",
  "dreamy", "crisp", "vivid", "lazy", "cheerful", "moody", "sunny", "velvet", "patient", "clever",
] as const;

const NOUNS = [
  "harbor", "garden", "window", "meadow", "kitten", "lantern", "river", "morning", "puppy", "forest",
  "kitchen", "balcony", "journey", "blanket", "festival", "village", "breeze", "sunset", "library", "orchard",
  "staircase", "rooftop", "picnic", "mountain", "notebook", "bakery", "market", "island", "puddle", "doorway",
] as const;

const PLACES = [
  "a sunlit kitchen", "a rainy city street", "a quiet beach at dawn", "a cluttered artist studio", "a mountain cabin porch",
  "a busy farmers market", "a moonlit garden", "an old library corner", "a snowy backyard", "a cozy living room",
  "a windy hilltop", "a small harbor town", "a forest trail", "a rooftop terrace", "a train station platform",
] as const;

const VERBS = [
  "chases", "discovers", "waits for", "follows", "guards", "watches", "finds", "greets", "explores", "carries",
  "naps beside", "listens to", "circles", "tumbles into", "sneaks past",
] as const;

const SUBJECTS = [
  "a small tabby cat", "an old beagle", "a curious fox", "a young golden retriever", "a shy rabbit",
  "the neighbor's parrot", "a fluffy kitten", "a tired sheepdog", "a lost duckling", "a proud rooster",
] as const;

const OPENERS = [
  "Nobody expected", "Watch what happens when", "This is the moment", "Wait for it:", "You will not believe how",
  "Every morning", "It started when", "Meet the reason",
] as const;

const FIRST_NAMES = [
  "Maya", "Theo", "Ines", "Jonah", "Priya", "Lukas", "Amara", "Felix", "Noor", "Oskar",
  "Lena", "Mateo", "Yuki", "Rosa", "Emil", "Zara", "Hugo", "Ada", "Kofi", "Mira",
] as const;

const LAST_NAMES = [
  "Alvarez", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Brennan", "Kowalski", "Haddad", "Silva", "Novak",
  "Ferreira", "Nakamura", "Petrov", "Osei", "Varga",
] as const;

const COLORS = ["teal", "amber", "coral", "sage green", "navy", "mustard", "lavender", "rust", "ivory", "charcoal", "peach", "olive"] as const;

const EMOJIS = ["🐾", "✨", "🐶", "🐱", "🌅", "🎬", "💛", "🌿", "😂", "🔥", "🎵", "☀️"] as const;

const LANGUAGES = ["English", "Spanish", "French", "German", "Japanese", "Portuguese", "Italian", "Dutch"] as const;

const STYLE_WORDS = [
  "soft light", "warm tones", "shallow depth of field", "cinematic", "35mm film", "golden hour", "high detail",
  "pastel palette", "natural light", "wide shot", "close-up", "gentle motion",
] as const;

const NEGATIVE_WORDS = ["blurry", "low quality", "distorted", "extra limbs", "watermark", "oversaturated", "text artifacts", "noise"] as const;

const TIMES_OF_DAY = ["dawn", "morning", "noon", "afternoon", "golden hour", "dusk", "evening", "night"] as const;

const TIME_PHRASES = ["at dawn", "in the morning", "at noon", "in the afternoon", "at golden hour", "at dusk", "in the evening", "at night"] as const;

const SMALL_WORDS = ["the", "a", "over", "under", "beside", "after", "before", "with"] as const;

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const titleCase = (text: string) =>
  text
    .split(" ")
    .map((word, i) => (i > 0 && (SMALL_WORDS as readonly string[]).includes(word) ? word : capital(word)))
    .join(" ");

/** What kind of text a string field holds, from its name or description. */
export type TextKind =
  | "title" | "name" | "hook" | "sentence" | "paragraph" | "prompt" | "negativePrompt" | "word" | "adjective" | "place"
  | "url" | "email" | "id" | "filename" | "color" | "emoji" | "hashtag" | "date" | "dateTime" | "timeOfDay" | "phone"
  | "version" | "language" | "phrase";

export function word(random: RandomSource): string {
  return pick(random, NOUNS);
}

function sentence(random: RandomSource): string {
  const shape = randomInt(random, 0, 2);
  if (shape === 0) return `${capital(pick(random, SUBJECTS))} ${pick(random, VERBS)} ${pick(random, ["the", "a"])} ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}.`;
  if (shape === 1) return `In ${pick(random, PLACES)}, ${pick(random, SUBJECTS)} ${pick(random, VERBS)} the ${pick(random, NOUNS)}.`;
  return `The ${pick(random, NOUNS)} feels ${pick(random, ADJECTIVES)} and ${pick(random, ADJECTIVES)} ${pick(random, TIME_PHRASES)}.`;
}

/** One value of `kind`, drawn from the seeded source. */
export function textOf(kind: TextKind, random: RandomSource): string {
  switch (kind) {
    case "title":
      return titleCase(
        randomInt(random, 0, 1) === 0
          ? `the ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`
          : `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${pick(random, ["after", "before", "over", "beside"])} the ${pick(random, NOUNS)}`,
      );
    case "name":
      return `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
    case "hook":
      return `${pick(random, OPENERS)} ${pick(random, SUBJECTS)} ${pick(random, VERBS)} the ${pick(random, NOUNS)}${pick(random, ["!", ".", "…"])}`;
    case "sentence":
      return sentence(random);
    case "paragraph":
      return Array.from({ length: randomInt(random, 2, 3) }, () => sentence(random)).join(" ");
    case "prompt":
      return `${pick(random, SUBJECTS)} in ${pick(random, PLACES)}, ${pick(random, STYLE_WORDS)}, ${pick(random, STYLE_WORDS)}`;
    case "negativePrompt":
      return `${pick(random, NEGATIVE_WORDS)}, ${pick(random, NEGATIVE_WORDS)}`;
    case "word":
      return word(random);
    case "adjective":
      return pick(random, ADJECTIVES);
    case "place":
      return pick(random, PLACES);
    case "url":
      return `https://example.com/${pick(random, NOUNS)}/${pick(random, ADJECTIVES)}-${pick(random, NOUNS)}-${randomInt(random, 1, 99)}`;
    case "email":
      return `${pick(random, FIRST_NAMES).toLowerCase()}.${pick(random, LAST_NAMES).toLowerCase()}@example.com`;
    case "id":
      return `${pick(random, NOUNS).slice(0, 4)}-${randomInt(random, 1000, 9999)}`;
    case "filename":
      return `${pick(random, NOUNS)}_${String(randomInt(random, 1, 20)).padStart(2, "0")}.${pick(random, ["png", "jpg", "json", "txt", "mp4"])}`;
    case "color":
      return pick(random, COLORS);
    case "emoji":
      return Array.from({ length: randomInt(random, 2, 3) }, () => pick(random, EMOJIS)).join(" ");
    case "hashtag":
      return `#${pick(random, ADJECTIVES)}${capital(pick(random, NOUNS))}`;
    case "date":
      return `20${randomInt(random, 20, 29)}-${String(randomInt(random, 1, 12)).padStart(2, "0")}-${String(randomInt(random, 1, 28)).padStart(2, "0")}`;
    case "dateTime":
      return `${textOf("date", random)}T${String(randomInt(random, 0, 23)).padStart(2, "0")}:${String(randomInt(random, 0, 59)).padStart(2, "0")}:00Z`;
    case "timeOfDay":
      return pick(random, TIMES_OF_DAY);
    case "phone":
      return `+1 555 01${randomInt(random, 10, 99)}`;
    case "version":
      return `${randomInt(random, 0, 3)}.${randomInt(random, 0, 12)}.${randomInt(random, 0, 9)}`;
    case "language":
      return pick(random, LANGUAGES);
    case "phrase":
      return `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${pick(random, ["by the", "near the", "under the", "in the"])} ${pick(random, NOUNS)}`;
  }
}
