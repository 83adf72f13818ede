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
 * Numbers by fingerprint in two typed arrays (open addressing, linear probing): no object, string or
 * map entry per key for the garbage collector to promote and mark, where a `Map` held hundreds of
 * thousands of them. Values must not be -Infinity.
 */
export class FingerprintTable {
  private keys: Float64Array;
  private values: Float64Array;
  private mask: number;
  /** Slots taken, deleted ones included (they lengthen probes until the next growth). */
  private taken = 0;
  private live = 0;

  /** `capacity`: a power of two; `FingerprintTable.holding(n)` picks one for n keys. */
  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
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

  /** The slot holding `fp`, or the empty slot where it would go. */
  private slot(fp: number): number {
    let i = (fp / 0x200000) & this.mask;
    for (;;) {
      const k = this.keys[i]!;
      if (k === fp || k === 0) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(fp: number): number | undefined {
    const i = this.slot(fp);
    const v = this.values[i]!;
    return this.keys[i] === 0 || v === DELETED ? undefined : v;
  }

  set(fp: number, value: number): void {
    let i = this.slot(fp);
    if (this.keys[i] === 0) {
      if ((this.taken + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(fp);
      }
      this.keys[i] = fp;
      this.taken++;
      this.live++;
    } else if (this.values[i] === DELETED) this.live++;
    this.values[i] = value;
  }

  delete(fp: number): void {
    const i = this.slot(fp);
    if (this.keys[i] === 0 || this.values[i] === DELETED) return;
    this.values[i] = DELETED;
    this.live--;
  }

  /** Twice the room (or the same, when deleted slots made it full), live keys only. */
  private grow(): void {
    const { keys, values } = this;
    const capacity = this.live * 4 > keys.length ? keys.length * 2 : keys.length;
    this.keys = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.taken = this.live = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== 0 && values[i] !== DELETED) {
        const j = this.slot(keys[i]!);
        this.keys[j] = keys[i]!;
        this.values[j] = values[i]!;
        this.taken++;
        this.live++;
      }
    }
  }
}
