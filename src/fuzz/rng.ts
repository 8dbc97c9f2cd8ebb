// A small deterministic PRNG (SplitMix32 seeding an sfc32 generator) with the
// choice helpers the generators need.

/** Thrown when a random choice has nothing to choose from: the case is skipped. */
export class NoChoice extends Error {}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in `[lo, hi]` (inclusive). */
  int(lo: number, hi: number): number {
    if (hi <= lo) return lo;
    return lo + (this.u32() % (hi - lo + 1));
  }

  bool(): boolean {
    return (this.u32() & 1) === 1;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  choose<T>(items: ArrayLike<T>): T {
    if (items.length === 0) throw new NoChoice('nothing to choose from');
    return items[this.int(0, items.length - 1)]!;
  }
}
