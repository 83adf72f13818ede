/**
 * A 53-bit fingerprint of a string (two 32-bit multiply-xor lanes, mixed by murmur3's finaliser),
 * never 0. Keys held by fingerprint share a slot only by chance: about once in 2^53 pairs.
 */
export function fingerprint(key: string): number {
  let a = 0x9747b28c;
  let b = 0x85ebca6b;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x5bd1e995);
    a ^= a >>> 13;
    b = Math.imul(b + c, 0x27d4eb2d);
    b ^= b >>> 15;
  }
  a = fmix(a ^ key.length);
  b = fmix(b ^ a);
  return (a >>> 0) * 0x200000 + (b >>> 11) || 1;
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A slot whose key was deleted: kept so that probing goes on past it. */
const DELETED = Number.NEGATIVE_INFINITY;

/**
 * Numbers by fingerprint in one typed array of [fingerprint, value] pairs (open addressing, linear
 * probing): no object, string or map entry per key for the garbage collector to promote and mark,
 * where a `Map` held hundreds of thousands of them. A key and its value share a cache line: the
 * tables grow to megabytes under load, and a lookup of a key never seen (most of the loop breaker's)
 * misses the CPU's caches once per table rather than twice. Values must not be -Infinity.
 */
export class FingerprintTable {
  /** Slot i is `pairs[2i]` (its fingerprint, 0 when empty) and `pairs[2i + 1]` (its value). */
  private pairs: Float64Array;
  private mask: number;
  /** Slots taken, deleted ones included (they lengthen probes until the next growth). */
  private taken = 0;
  private live = 0;

  /** `capacity`: a power of two; `FingerprintTable.holding(n)` picks one for n keys. */
  constructor(capacity = 1024) {
    this.pairs = new Float64Array(capacity * 2);
    this.mask = capacity - 1;
  }

  /** A table with room for `keys` keys before it grows (at most half full). */
  static holding(keys: number): FingerprintTable {
    let capacity = 1024;
    while (capacity < keys * 2) capacity *= 2;
    return new FingerprintTable(capacity);
  }

  get size(): number {
    return this.live;
  }

  /** The index in `pairs` of the slot holding `fp`, or of the empty slot where it would go. */
  private slot(fp: number): number {
    let i = (fp / 0x200000) & this.mask;
    for (;;) {
      const k = this.pairs[2 * i]!;
      if (k === fp || k === 0) return 2 * i;
      i = (i + 1) & this.mask;
    }
  }

  get(fp: number): number | undefined {
    const i = this.slot(fp);
    const v = this.pairs[i + 1]!;
    return this.pairs[i] === 0 || v === DELETED ? undefined : v;
  }

  set(fp: number, value: number): void {
    let i = this.slot(fp);
    if (this.pairs[i] === 0) {
      if ((this.taken + 1) * 2 > this.mask + 1) {
        this.grow();
        i = this.slot(fp);
      }
      this.pairs[i] = fp;
      this.taken++;
      this.live++;
    } else if (this.pairs[i + 1] === DELETED) this.live++;
    this.pairs[i + 1] = value;
  }

  delete(fp: number): void {
    const i = this.slot(fp);
    if (this.pairs[i] === 0 || this.pairs[i + 1] === DELETED) return;
    this.pairs[i + 1] = DELETED;
    this.live--;
  }

  /** Twice the room (or the same, when deleted slots made it full), live keys only. */
  private grow(): void {
    const old = this.pairs;
    const slots = old.length / 2;
    const capacity = this.live * 4 > slots ? slots * 2 : slots;
    this.pairs = new Float64Array(capacity * 2);
    this.mask = capacity - 1;
    this.taken = this.live = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 && old[i + 1] !== DELETED) {
        const j = this.slot(old[i]!);
        this.pairs[j] = old[i]!;
        this.pairs[j + 1] = old[i + 1]!;
        this.taken++;
        this.live++;
      }
    }
  }
}
