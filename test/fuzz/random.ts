/** A small seeded random source for the fuzzer: every case is reproducible from its seed alone. */

export class Rng {
  private state: number;

  constructor(seed: number) {
    // Spread nearby seeds apart so case 1 and case 2 do not start alike.
    this.state = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ 0x27d4eb2f) >>> 0;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }

  string(maxLength = 12): string {
    const alphabets = ["abcdefghijklmnopqrstuvwxyz", "ABC xyz_-.0123456789", "{}[]%#|'\"\\$.", "äöü€😀\u0000\u200b\ud800"];
    const alphabet = this.pick(alphabets);
    const length = this.int(0, maxLength);
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** A JSON value of any type, nested up to `depth`. */
  json(depth = 2): unknown {
    const kind = this.int(0, depth > 0 ? 9 : 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.int(-3, 10);
      case 3:
        return this.pick([0.5, -1e308, 1e308, 2 ** 53 + 1, -0, 3.14159]);
      case 4:
      case 5:
        return this.string();
      case 6:
        return "";
      case 7:
        return Array.from({ length: this.int(0, 3) }, () => this.json(depth - 1));
      default: {
        const members: string[] = [];
        for (let i = this.int(0, 3); i > 0; i--) {
          const key = this.pick(["a", "value", "data", "items", "$date", "__proto__", "constructor", this.string(6)]);
          members.push(`${JSON.stringify(key)}:${JSON.stringify(this.json(depth - 1))}`);
        }
        // Through JSON text, so `__proto__` is an own key, as in a parsed request body.
        return JSON.parse(`{${members.join(",")}}`);
      }
    }
  }
}
