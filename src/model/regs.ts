// Registers: classes, physical registers (PReg), virtual registers (VReg) and
// sets of physical registers. Every value here is a small packed integer so it
// can live in typed arrays on the allocators' hot paths.

/** Register class: 0 = int, 1 = float, 2 = vector (regalloc2's `RegClass`). */
export type RegClass = 0 | 1 | 2;
/** The register classes by name: `RegClass.Int`, `RegClass.Float`, `RegClass.Vector`. */
export const RegClass = {
  /** Integer and pointer registers. */
  Int: 0,
  /** Floating-point registers (on x86-64 and AArch64 also the SIMD ones, as in Cranelift). */
  Float: 1,
  /** Vector registers of ISAs that keep them apart (RISC-V V). */
  Vector: 2,
} as const;
/** How many register classes there are (3). */
export const NUM_REG_CLASSES = 3;
/** The one-letter class suffix of the text forms (`p3i`, `v2f`), by class. */
export const REG_CLASS_SUFFIX = ['i', 'f', 'v'] as const;
/** The class names (`Int`, `Float`, `Vector`), by class. */
export const REG_CLASS_NAME = ['Int', 'Float', 'Vector'] as const;

/**
 * A physical register, packed as `(class << 6) | hwEnc` (0..191), so it can
 * index per-register tables directly. `PREG_INVALID` marks "no register".
 *
 * The id types (`PReg`, `VReg`, `Operand`, `Allocation`, `ProgPoint`,
 * `Inst`, `Block`) are branded numbers: passing one where another is
 * expected is a compile error; a plain number is accepted (so arithmetic and
 * typed arrays need no casts); at run time each is just a number.
 */
export type PReg = number & {
  /** Compile-time brand only: never present at run time. */
  readonly __brand?: 'PReg';
};
/** The largest hw_enc a register can have (63). */
export const PREG_MAX_HW_ENC = 63;
/** Number of distinct PReg indices, including class bits. */
export const PREG_NUM_INDEX = 256;
/** "No register": hw_enc 63 of class Int, as in regalloc2. */
export const PREG_INVALID = ((RegClass.Int << 6) | PREG_MAX_HW_ENC) as PReg;

/**
 * The physical register `hwEnc` (0..63) of class `cls`. Throws a
 * `RangeError` for anything it cannot represent (hw_enc outside 0..63 or not
 * an integer, a class other than 0, 1, 2).
 *
 * ```ts
 * const rax = preg(0, RegClass.Int); // or x86_64SystemV.pregByName('rax')
 * ```
 */
export function preg(hwEnc: number, cls: RegClass): PReg {
  if (!Number.isInteger(hwEnc) || hwEnc < 0 || hwEnc > PREG_MAX_HW_ENC) {
    throw new RangeError(`preg: hw_enc ${hwEnc} is not an integer in 0..${PREG_MAX_HW_ENC}`);
  }
  checkClass(cls, 'preg');
  return ((cls << 6) | hwEnc) as PReg;
}

function checkClass(cls: number, what: string): void {
  if (cls !== 0 && cls !== 1 && cls !== 2) {
    throw new RangeError(`${what}: register class ${cls} is not RegClass.Int (0), Float (1) or Vector (2)`);
  }
}

/** True when `p` is a register `preg` could have made (an integer 0..191 of class 0..2). */
export function isValidPReg(p: number): boolean {
  return Number.isInteger(p) && p >= 0 && p < 3 << 6;
}

/** True when `v` is a vreg `vreg` could have made (index below `VREG_MAX_INDEX`, class 0..2). */
export function isValidVReg(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < VREG_MAX_INDEX * 4 && (v & 3) !== 3;
}
/** The register's hardware encoding (0..63). */
export function pregHwEnc(p: PReg): number {
  return p & 63;
}
/** The register's class. */
export function pregClass(p: PReg): RegClass {
  return ((p >> 6) & 3) as RegClass;
}
/** Anything that names registers: a `MachineDescription`, or an object with `regName`. */
export interface RegNamer {
  /** The register's name, e.g. `rax`. */
  regName(p: PReg): string;
}
/**
 * A source of register names for printing: a `MachineDescription` (or any
 * `{ regName(p) }`), or a function from register to name.
 */
export type RegNames = RegNamer | ((p: PReg) => string);

/**
 * The register's name from `names` (`rax`, `xmm3`), else its generic form
 * `p<hw_enc><class>` (`p0i`, `p3f`: the corpus text form).
 *
 * ```ts
 * pregToString(preg(0, RegClass.Int), x86_64SystemV); // 'rax'
 * ```
 */
export function pregToString(p: PReg, names?: RegNames): string {
  if (typeof names === 'function') return names(p as PReg);
  if (typeof names === 'object' && names !== null) return names.regName(p as PReg);
  return `p${p & 63}${REG_CLASS_SUFFIX[(p >> 6) & 3]}`;
}

/**
 * `text` with every register written in the generic form (`p0i`, `p13f`)
 * renamed after `names` (`rax`, `xmm13`): messages are written once, when
 * the error is thrown, and read with the names of the machine at hand.
 *
 * ```ts
 * nameRegisters('p0i is also clobbered', x86_64SystemV); // 'rax is also clobbered'
 * ```
 */
export function nameRegisters(text: string, names: RegNames): string {
  return text.replace(/\bp(\d{1,2})([ifv])\b/g, (whole, hwEnc: string, cls: string) => {
    const hw = Number(hwEnc);
    const classIndex = REG_CLASS_SUFFIX.indexOf(cls as (typeof REG_CLASS_SUFFIX)[number]);
    return hw <= PREG_MAX_HW_ENC ? pregToString(((classIndex << 6) | hw) as PReg, names) : whole;
  });
}

/**
 * A virtual register, packed as `index * 4 + class`. Indices are limited to
 * 21 bits (`VREG_MAX_INDEX`) so that an operand fits in one uint32; the top
 * index is reserved for fixed non-allocatable operands, as in regalloc2.
 */
/** A virtual register (`index * 4 + class`); a branded number like `PReg`. */
export type VReg = number & {
  /** Compile-time brand only: never present at run time. */
  readonly __brand?: 'VReg';
};
/** Bits of a vreg index in an operand (21). */
export const VREG_INDEX_BITS = 21;
/** The reserved top vreg index (2^21 - 1): vreg indices are below it. */
export const VREG_MAX_INDEX = (1 << VREG_INDEX_BITS) - 1;
/** "No vreg": the reserved index, class Int. */
export const VREG_INVALID = (VREG_MAX_INDEX * 4) as VReg;

/**
 * The virtual register `index` of class `cls`. Throws a `RangeError` for an
 * index that is negative, not an integer, or not below `VREG_MAX_INDEX`
 * (the top index is regalloc2's marker for fixed non-allocatable operands),
 * or a class other than 0, 1, 2. `FunctionBuilder.vreg(cls)` numbers them for you.
 */
export function vreg(index: number, cls: RegClass): VReg {
  if (!Number.isInteger(index) || index < 0 || index >= VREG_MAX_INDEX) {
    throw new RangeError(`vreg: index ${index} is not an integer in 0..${VREG_MAX_INDEX - 1}`);
  }
  checkClass(cls, 'vreg');
  return (index * 4 + cls) as VReg;
}
/** The vreg's index (0-based, dense in a function). */
export function vregIndex(v: VReg): number {
  return v >>> 2;
}
/** The vreg's class. */
export function vregClass(v: VReg): RegClass {
  return (v & 3) as RegClass;
}
/** The vreg's text form `v<index><class>`, e.g. `v3i`. */
export function vregToString(v: VReg): string {
  return `v${v >>> 2}${REG_CLASS_SUFFIX[v & 3]}`;
}

/**
 * A set of physical registers: 256 bits in eight 32-bit words. Word `2*c`
 * holds hw_enc 0..31 of class c and word `2*c+1` holds 32..63, so iteration in
 * bit order matches regalloc2's PRegSet order (ascending PReg index).
 */
export class PRegSet {
  /** The eight 32-bit words of the set (see the class comment for the layout). */
  readonly bits: Uint32Array;

  constructor(bits?: ArrayLike<number>) {
    this.bits = new Uint32Array(8);
    if (bits) this.bits.set(bits);
  }

  /** A new empty set. */
  static empty(): PRegSet {
    return new PRegSet();
  }

  /** A new set of the given registers: `PRegSet.of([preg(0, RegClass.Int), preg(1, RegClass.Int)])`. */
  static of(regs: Iterable<PReg>): PRegSet {
    const s = new PRegSet();
    for (const r of regs) s.add(r);
    return s;
  }

  /** A copy of this set. */
  clone(): PRegSet {
    return new PRegSet(this.bits);
  }

  /** True when `p` is in the set. */
  contains(p: PReg): boolean {
    return (this.bits[p >>> 5]! & (1 << (p & 31))) !== 0;
  }

  /** Adds `p`; returns this set. */
  add(p: PReg): this {
    this.bits[p >>> 5]! |= 1 << (p & 31);
    return this;
  }

  /** Removes `p`; returns this set. */
  remove(p: PReg): this {
    this.bits[p >>> 5]! &= ~(1 << (p & 31));
    return this;
  }

  /** Adds every register of `o` to this set. */
  unionFrom(o: PRegSet): this {
    for (let i = 0; i < 8; i++) this.bits[i]! |= o.bits[i]!;
    return this;
  }

  /** Keeps only the registers also in `o`. */
  intersectFrom(o: PRegSet): this {
    for (let i = 0; i < 8; i++) this.bits[i]! &= o.bits[i]!;
    return this;
  }

  /** Removes every register of `o` from this set. */
  subtractFrom(o: PRegSet): this {
    for (let i = 0; i < 8; i++) this.bits[i]! &= ~o.bits[i]!;
    return this;
  }

  /** A new set of every register index not in this one. */
  invert(): PRegSet {
    const s = new PRegSet();
    for (let i = 0; i < 8; i++) s.bits[i] = ~this.bits[i]!;
    return s;
  }

  /** Empties the set. */
  clear(): this {
    const b = this.bits;
    for (let i = 0; i < 8; i++) b[i] = 0;
    return this;
  }

  /** Makes this set equal to `o`. */
  copyFrom(o: PRegSet): this {
    const b = this.bits;
    const c = o.bits;
    for (let i = 0; i < 8; i++) b[i] = c[i]!;
    return this;
  }

  /** Calls `fn` for each register in ascending order, without allocating. */
  forEach(fn: (p: PReg) => void): void {
    for (let w = 0; w < 8; w++) {
      let b = this.bits[w]!;
      while (b !== 0) {
        const bit = 31 - Math.clz32(b & -b);
        fn((w * 32 + bit) as PReg);
        b &= b - 1;
      }
    }
  }

  /**
   * The smallest register in the set at or above `from`, or -1: iterate with
   * `for (let p = s.nextFrom(0); p >= 0; p = s.nextFrom(p + 1))`.
   */
  nextFrom(from: number): number {
    for (let w = from >>> 5; w < 8; w++) {
      let b = this.bits[w]!;
      if (w === from >>> 5) b &= ~0 << (from & 31);
      if (b !== 0) return w * 32 + (31 - Math.clz32(b & -b));
    }
    return -1;
  }

  /** True when the set holds no register of class `cls`. */
  isEmptyClass(cls: RegClass): boolean {
    return this.bits[2 * cls] === 0 && this.bits[2 * cls + 1] === 0;
  }

  /** True when the set holds no register. */
  isEmpty(): boolean {
    for (let i = 0; i < 8; i++) if (this.bits[i] !== 0) return false;
    return true;
  }

  /** How many registers the set holds. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < 8; i++) n += popcount32(this.bits[i]!);
    return n;
  }

  /** True when both sets hold the same registers. */
  equals(o: PRegSet): boolean {
    for (let i = 0; i < 8; i++) if (this.bits[i] !== o.bits[i]) return false;
    return true;
  }

  /** The registers in ascending PReg index order. */
  toArray(): PReg[] {
    const out: PReg[] = [];
    for (let w = 0; w < 8; w++) {
      let b = this.bits[w]!;
      while (b !== 0) {
        const bit = 31 - Math.clz32(b & -b);
        out.push((w * 32 + bit) as PReg);
        b &= b - 1;
      }
    }
    return out;
  }

  /** Iterates the registers in ascending index order. */
  [Symbol.iterator](): Iterator<PReg> {
    return this.toArray()[Symbol.iterator]();
  }

  /** The highest register in the set, or undefined. */
  maxPReg(): PReg | undefined {
    for (let w = 7; w >= 0; w--) {
      const b = this.bits[w]!;
      if (b !== 0) return (w * 32 + 31 - Math.clz32(b)) as PReg;
    }
    return undefined;
  }

  /** `{p0i, p3f}`, or with names `{rax, xmm3}`. */
  toString(names?: RegNames): string {
    return `{${this.toArray().map((p) => pregToString(p, names)).join(', ')}}`;
  }
}

/** The number of set bits of a 32-bit integer. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
