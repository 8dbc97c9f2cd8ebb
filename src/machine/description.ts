// Machine descriptions: a checked `MachineEnv` plus what a backend needs
// around it (register names, argument and return registers, the registers a
// call clobbers and the ones a callee must save, spill-slot sizes).

import { RegAllocError } from '../model/errors.js';
import type { MachineEnv } from '../model/function.js';
import {
  NUM_REG_CLASSES,
  type PReg,
  PRegSet,
  PREG_MAX_HW_ENC,
  REG_CLASS_NAME,
  type RegClass,
  preg,
  pregClass,
  pregHwEnc,
  pregToString,
} from '../model/regs.js';

/** Registers per class for argument or return values. */
export interface RegsByKind {
  /** Integer (and pointer) values, in ABI order. */
  readonly int: readonly PReg[];
  /** Floating-point (and, where the ABI says so, vector) values, in ABI order. */
  readonly float: readonly PReg[];
}

/**
 * A machine: the env the allocators take and the ABI facts a backend needs
 * around it. The sets are shared: clone one before changing it.
 *
 * ```ts
 * const out = allocate(func, x86_64SystemV.env);
 * x86_64SystemV.regName(preg(0, RegClass.Int)); // 'rax'
 * ```
 */
export interface MachineDescription {
  /** A short name, e.g. `x86_64-sysv`. */
  readonly name: string;
  /** What the allocator may use: preferred / non-preferred registers, scratch, fixed stack slots. */
  readonly env: MachineEnv;
  /** The register's name (`rax`, `xmm3`, `x29`), or its generic form (`p3i`) when it has none. */
  regName(p: PReg): string;
  /** The register of a name or alias (`rax`, `a0`, `x10`); throws a `RangeError` for an unknown one. */
  pregByName(name: string): PReg;
  /** Argument registers in ABI order. */
  readonly argRegs: RegsByKind;
  /** Return-value registers in ABI order. */
  readonly retRegs: RegsByKind;
  /** The registers a call clobbers (caller-saved): give them as the call instruction's clobbers. */
  readonly callClobbers: PRegSet;
  /** The registers a function must preserve (save in its prologue if it writes them). */
  readonly calleeSaved: PRegSet;
  /** Named registers the allocator never uses: stack and frame pointers, link and platform registers, the backend's own temporaries. */
  readonly reserved: PRegSet;
  /** Every allocatable register, both preference tiers. */
  readonly allocatable: PRegSet;
  /** Bytes of a spilled value per class `[int, float, vector]` (0: the class is unused). */
  readonly spillSlotSize: readonly [number, number, number];
  /** Bytes per spill-slot unit (the word size): a class takes `spillSlotSize[c] / slotBytes` units. */
  readonly slotBytes: number;
  /** Units per class, for `FunctionBuilder.spillslotSize` / `Function.spillslotSize`. */
  readonly spillslotUnits: readonly [number, number, number];
  /** The stack pointer, the frame pointer and the link register, where the ISA has them. */
  readonly stackPointer?: PReg;
  /** The frame pointer (reserved). */
  readonly framePointer?: PReg;
  /** The link (return-address) register, where the ISA has one (reserved). */
  readonly linkRegister?: PReg;
}

/** A register named by its name (or alias) or by its hw_enc in the class at hand. */
export type RegRef = string | number;

/** One register of a class: its hw_enc, its name and other names it answers to. */
export interface RegSpec {
  /** The hardware encoding, 0..63. */
  readonly hwEnc: number;
  /** The name `regName` gives. */
  readonly name: string;
  /** Other names `pregByName` accepts (`fp` for x29). */
  readonly aliases?: readonly string[];
}

function envError(machine: string, message: string): RegAllocError {
  return new RegAllocError('InvalidEnv', `machine ${machine}: ${message}`);
}

/**
 * Builds a `MachineDescription` and checks it: hw_enc in 0..63, no register
 * listed twice, names unique across classes, every register named in the
 * right class, scratch registers and fixed stack slots not allocatable,
 * argument/return registers of their kind's class. Errors are
 * `RegAllocError`s of kind `InvalidEnv` naming the register.
 *
 * ```ts
 * const toy = new MachineBuilder('toy')
 *   .registers(RegClass.Int, ['r0', 'r1', 'r2', 'r3', 'sp'])
 *   .preferred(RegClass.Int, ['r0', 'r1']).nonPreferred(RegClass.Int, ['r2', 'r3'])
 *   .callClobbers(['r0', 'r1']).calleeSaved(['r2', 'r3']).stackPointer('sp')
 *   .build();
 * ```
 */
export class MachineBuilder {
  private readonly specs: (RegSpec | undefined)[][] = [[], [], []];
  private readonly byName = new Map<string, PReg>();
  private readonly pref: PReg[][] = [[], [], []];
  private readonly nonPref: PReg[][] = [[], [], []];
  private readonly scratchRegs: (PReg | null)[] = [null, null, null];
  private readonly fixedStack: PReg[] = [];
  private readonly args: { int: PReg[]; float: PReg[] } = { int: [], float: [] };
  private readonly rets: { int: PReg[]; float: PReg[] } = { int: [], float: [] };
  private clobbers: PReg[] = [];
  private saved: PReg[] = [];
  private slotSizes: [number, number, number] = [8, 8, 16];
  private unitBytes = 8;
  private sp: PReg | undefined;
  private fp: PReg | undefined;
  private lr: PReg | undefined;

  /** @param name - the description's name, used in its error messages */
  constructor(readonly name: string) {}

  /**
   * Declares the registers of class `cls`: either names listed by hw_enc
   * (`['rax', 'rcx', ...]`, `null` for a gap) or specs with aliases.
   */
  registers(cls: RegClass, regs: readonly (string | null | RegSpec)[]): this {
    this.checkClass(cls);
    regs.forEach((r, i) => {
      if (r === null) return;
      const spec: RegSpec = typeof r === 'string' ? { hwEnc: i, name: r } : r;
      const { hwEnc } = spec;
      if (!Number.isInteger(hwEnc) || hwEnc < 0 || hwEnc > PREG_MAX_HW_ENC) {
        throw envError(this.name, `register ${spec.name} has hw_enc ${hwEnc}, outside 0..${PREG_MAX_HW_ENC}`);
      }
      if (this.specs[cls]![hwEnc] !== undefined) {
        throw envError(this.name, `${REG_CLASS_NAME[cls]} register ${hwEnc} is declared twice (${this.specs[cls]![hwEnc]!.name}, ${spec.name})`);
      }
      this.specs[cls]![hwEnc] = spec;
      for (const n of [spec.name, ...(spec.aliases ?? [])]) {
        if (n === '' || this.byName.has(n)) throw envError(this.name, `register name '${n}' is used twice`);
        this.byName.set(n, preg(hwEnc, cls));
      }
    });
    return this;
  }

  /** Allocatable registers of `cls` tried first (caller-saved ones, typically). */
  preferred(cls: RegClass, regs: readonly RegRef[]): this {
    this.pref[cls] = this.refs(regs, cls, 'preferred');
    return this;
  }

  /** Allocatable registers of `cls` tried after the preferred ones (callee-saved ones, typically). */
  nonPreferred(cls: RegClass, regs: readonly RegRef[]): this {
    this.nonPref[cls] = this.refs(regs, cls, 'non-preferred');
    return this;
  }

  /** A register of `cls` kept for the allocator's move resolution; it must not be allocatable. */
  scratch(cls: RegClass, reg: RegRef | null): this {
    this.scratchRegs[cls] = reg === null ? null : this.refs([reg], cls, 'scratch')[0]!;
    return this;
  }

  /** Registers that stand for fixed stack slots (e.g. stack-passed arguments). */
  fixedStackSlots(regs: readonly RegRef[]): this {
    this.fixedStack.splice(0, this.fixedStack.length, ...this.refs(regs, undefined, 'fixed stack slot'));
    return this;
  }

  /** Argument registers in ABI order: integer ones and floating-point ones. */
  argRegs(int: readonly RegRef[], float: readonly RegRef[]): this {
    this.args.int = this.refs(int, 0, 'int argument');
    this.args.float = this.refs(float, 1, 'float argument');
    return this;
  }

  /** Return registers in ABI order: integer ones and floating-point ones. */
  retRegs(int: readonly RegRef[], float: readonly RegRef[]): this {
    this.rets.int = this.refs(int, 0, 'int return');
    this.rets.float = this.refs(float, 1, 'float return');
    return this;
  }

  /** The registers a call clobbers (any class, so given by name). */
  callClobbers(regs: readonly RegRef[]): this {
    this.clobbers = this.refs(regs, undefined, 'call clobber');
    return this;
  }

  /** The registers a callee preserves (any class, so given by name). */
  calleeSaved(regs: readonly RegRef[]): this {
    this.saved = this.refs(regs, undefined, 'callee-saved');
    return this;
  }

  /** Bytes of a spilled value per class and the slot unit (word) size; each size a positive multiple of the unit, or 0 for an unused class. */
  spillSlotSize(sizes: readonly [number, number, number], slotBytes = 8): this {
    if (!Number.isInteger(slotBytes) || slotBytes <= 0) throw envError(this.name, `slot unit of ${slotBytes} bytes`);
    sizes.forEach((s, c) => {
      if (!Number.isInteger(s) || s < 0 || s % slotBytes !== 0) {
        throw envError(this.name, `${REG_CLASS_NAME[c]} spill size ${s} is not a multiple of the ${slotBytes}-byte slot unit`);
      }
    });
    this.slotSizes = [sizes[0], sizes[1], sizes[2]];
    this.unitBytes = slotBytes;
    return this;
  }

  /** The stack pointer: reserved, never allocatable. */
  stackPointer(reg: RegRef): this {
    this.sp = this.refs([reg], 0, 'stack pointer')[0];
    return this;
  }
  /** The frame pointer: reserved, never allocatable. */
  framePointer(reg: RegRef): this {
    this.fp = this.refs([reg], 0, 'frame pointer')[0];
    return this;
  }
  /** The link register: reserved, never allocatable. */
  linkRegister(reg: RegRef): this {
    this.lr = this.refs([reg], 0, 'link register')[0];
    return this;
  }

  /** Checks the whole description and freezes it. */
  build(): MachineDescription {
    const allocatable = new PRegSet();
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      for (const p of [...this.pref[c]!, ...this.nonPref[c]!]) {
        if (allocatable.contains(p)) throw envError(this.name, `${this.nameOf(p)} is listed twice as allocatable`);
        allocatable.add(p);
      }
    }
    this.scratchRegs.forEach((s) => {
      if (s !== null && allocatable.contains(s)) throw envError(this.name, `scratch register ${this.nameOf(s)} is also allocatable`);
    });
    for (const p of this.fixedStack) {
      if (allocatable.contains(p) || this.scratchRegs.includes(p)) {
        throw envError(this.name, `fixed stack slot ${this.nameOf(p)} is also allocatable or scratch`);
      }
    }
    for (const p of [this.sp, this.fp, this.lr]) {
      if (p !== undefined && allocatable.contains(p)) throw envError(this.name, `${this.nameOf(p)} is a stack, frame or link register and cannot be allocatable`);
    }
    const reserved = new PRegSet();
    for (let c = 0; c < NUM_REG_CLASSES; c++) {
      this.specs[c]!.forEach((spec, hw) => {
        const p = preg(hw, c as RegClass);
        if (spec !== undefined && !allocatable.contains(p) && this.scratchRegs[c] !== p && !this.fixedStack.includes(p)) reserved.add(p);
      });
    }
    const env: MachineEnv = {
      preferredRegsByClass: [PRegSet.of(this.pref[0]!), PRegSet.of(this.pref[1]!), PRegSet.of(this.pref[2]!)],
      nonPreferredRegsByClass: [PRegSet.of(this.nonPref[0]!), PRegSet.of(this.nonPref[1]!), PRegSet.of(this.nonPref[2]!)],
      scratchByClass: [this.scratchRegs[0]!, this.scratchRegs[1]!, this.scratchRegs[2]!],
      fixedStackSlots: Object.freeze([...this.fixedStack]),
    };
    const names: string[] = [];
    for (let c = 0; c < NUM_REG_CLASSES; c++) this.specs[c]!.forEach((s, hw) => s && (names[preg(hw, c as RegClass)] = s.name));
    const byName = new Map(this.byName);
    const machine = this.name;
    const unitBytes = this.unitBytes;
    const description: MachineDescription = {
      name: machine,
      env: Object.freeze(env),
      regName: (p) => names[p] ?? pregToString(p),
      pregByName(name) {
        const p = byName.get(name);
        if (p === undefined) throw new RangeError(`machine ${machine}: no register named '${name}'`);
        return p;
      },
      argRegs: Object.freeze({ int: Object.freeze([...this.args.int]), float: Object.freeze([...this.args.float]) }),
      retRegs: Object.freeze({ int: Object.freeze([...this.rets.int]), float: Object.freeze([...this.rets.float]) }),
      callClobbers: PRegSet.of(this.clobbers),
      calleeSaved: PRegSet.of(this.saved),
      reserved,
      allocatable,
      spillSlotSize: Object.freeze([...this.slotSizes]) as readonly [number, number, number],
      slotBytes: unitBytes,
      spillslotUnits: Object.freeze(this.slotSizes.map((s) => Math.max(1, s / unitBytes))) as readonly [number, number, number],
      ...(this.sp !== undefined && { stackPointer: this.sp }),
      ...(this.fp !== undefined && { framePointer: this.fp }),
      ...(this.lr !== undefined && { linkRegister: this.lr }),
    };
    return Object.freeze(description);
  }

  private checkClass(cls: number): void {
    if (cls !== 0 && cls !== 1 && cls !== 2) throw envError(this.name, `register class ${cls} is not 0 (Int), 1 (Float) or 2 (Vector)`);
  }

  private nameOf(p: PReg): string {
    return this.specs[pregClass(p)]![pregHwEnc(p)]?.name ?? pregToString(p);
  }

  /** Resolves names / hw_encs to declared registers, checking class and duplicates. */
  private refs(regs: readonly RegRef[], cls: RegClass | undefined, what: string): PReg[] {
    if (cls !== undefined) this.checkClass(cls);
    const out: PReg[] = [];
    for (const r of regs) {
      let p: PReg;
      if (typeof r === 'string') {
        const q = this.byName.get(r);
        if (q === undefined) throw envError(this.name, `${what} register '${r}' is not declared`);
        p = q;
      } else {
        if (cls === undefined) throw envError(this.name, `${what} registers must be given by name, not ${r}`);
        if (!Number.isInteger(r) || r < 0 || r > PREG_MAX_HW_ENC || this.specs[cls]![r] === undefined) {
          throw envError(this.name, `${what} register ${r} is not a declared ${REG_CLASS_NAME[cls]} register`);
        }
        p = preg(r, cls);
      }
      if (cls !== undefined && pregClass(p) !== cls) {
        throw envError(this.name, `${what} register ${this.nameOf(p)} is a ${REG_CLASS_NAME[pregClass(p)]} register, not ${REG_CLASS_NAME[cls]}`);
      }
      if (out.includes(p)) throw envError(this.name, `${what} register ${this.nameOf(p)} is listed twice`);
      out.push(p);
    }
    return out;
  }
}
