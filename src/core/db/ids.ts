/**
 * Time-ordered ids. `newUuid7Hex` makes RFC 9562 uuid7s (48-bit ms timestamp, version nibble, a 12-bit
 * counter in rand_a, random rand_b) that are strictly increasing for the life of one DB, including across
 * export/import: the generator continues above the largest uuid7 it has seen (engine.md 2.1, ruling 4).
 */

const HEX = "0123456789abcdef";

function hex(value: number, digits: number): string {
  let out = "";
  for (let i = 0; i < digits; i++) {
    out = HEX[value & 15] + out;
    value = Math.floor(value / 16);
  }
  return out;
}

function randomHex(random: () => number, digits: number): string {
  let out = "";
  for (let i = 0; i < digits; i++) out += HEX[Math.floor(random() * 16) & 15];
  return out;
}

const MAX_COUNTER = 0xfff;
/** A fresh millisecond starts its counter in the lower half, leaving room to count up. */
const COUNTER_START_SPAN = 0x800;

export class Uuid7Generator {
  private lastMs = -1;
  private counter = 0;
  /** The largest imported id prefix (48-bit ms, version, counter) not yet folded into the state. */
  private pendingPrefix = "";

  constructor(
    private readonly clock: () => number,
    private readonly random: () => number,
  ) {}

  next(): string {
    this.foldPending();
    const now = Math.floor(this.clock());
    if (now > this.lastMs) {
      this.lastMs = now;
      this.counter = Math.floor(this.random() * COUNTER_START_SPAN);
    } else if (this.counter < MAX_COUNTER) {
      this.counter++;
    } else {
      // The counter is exhausted (or the clock went back): borrow the next millisecond.
      this.lastMs++;
      this.counter = 0;
    }
    const variant = HEX[8 + Math.floor(this.random() * 4)];
    return hex(this.lastMs, 12) + "7" + hex(this.counter, 3) + variant + randomHex(this.random, 15);
  }

  /** Makes every later id sort above `hex32` (a uuid7 in 32 hex digits). */
  observe(hex32: string): void {
    // Lower-case hex of equal length orders like the numbers, so a string compare finds the maximum;
    // it is folded into the counter state once, when the next id is made.
    const prefix = hex32.slice(0, 16);
    if (prefix > this.pendingPrefix) this.pendingPrefix = prefix;
  }

  private foldPending(): void {
    if (this.pendingPrefix === "") return;
    const ms = parseInt(this.pendingPrefix.slice(0, 12), 16);
    const counter = parseInt(this.pendingPrefix.slice(13, 16), 16);
    this.pendingPrefix = "";
    if (ms > this.lastMs || (ms === this.lastMs && counter > this.counter)) {
      this.lastMs = ms;
      this.counter = counter;
    }
  }
}

function isLowerHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102);
}

/** The uuid7 hex inside an id like `evt_<32 hex>` or a bare 32-hex uuid7, or undefined. */
export function uuid7HexOf(value: string): string | undefined {
  const length = value.length;
  // Hot on import (every long top-level string is checked), so plain character tests, no regex.
  if (length < 32 || value.charCodeAt(length - 20) !== 55 /* "7" */) return undefined;
  if (length > 32 && value.charCodeAt(length - 33) !== 95 /* "_" */) return undefined;
  const variant = value.charCodeAt(length - 16);
  if (variant !== 56 && variant !== 57 && variant !== 97 && variant !== 98 /* 8 9 a b */) return undefined;
  for (let i = length - 32; i < length; i++) if (!isLowerHex(value.charCodeAt(i))) return undefined;
  return length === 32 ? value : value.slice(length - 32);
}

/** Mongo ObjectId-like 24-hex ids for `_id`: 4-byte seconds, 5 random bytes, 3-byte counter. */
export class ObjectIdGenerator {
  private counter: number;
  private readonly processPart: string;

  constructor(
    private readonly clock: () => number,
    random: () => number,
  ) {
    this.counter = Math.floor(random() * 0xffffff);
    this.processPart = randomHex(random, 10);
  }

  next(): string {
    this.counter = (this.counter + 1) % 0x1000000;
    return hex(Math.floor(this.clock() / 1000), 8) + this.processPart + hex(this.counter, 6);
  }
}
