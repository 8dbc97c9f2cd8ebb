// The code buffer: bytes, labels and fixups. A label is bound when its block (or function)
// is emitted; a jump or call to it records a fixup, and every fixup is resolved only in
// `finish`, once all labels are known, so a jump to a block emitted later is patched with
// its real offset.
//
// Jump forms: a jump to a label already bound (a backward jump) takes the short rel8 form
// when the distance fits, else rel32. A jump to a label not yet bound (forward) always takes
// the rel32 form: the conservative choice, with no relaxation pass, so the size of code
// never changes after it is emitted.

export class CodeBuffer {
  private bytes = new Uint8Array(4096);
  private len = 0;
  private readonly labelOffsets: number[] = [];
  /** Offsets of rel32 fields still to patch, and their labels. */
  private readonly fixups: { at: number; label: number }[] = [];

  get size(): number {
    return this.len;
  }

  byte(b: number): void {
    if (this.len === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.len++] = b & 0xff;
  }
  bytesOf(...bs: number[]): void {
    for (const b of bs) this.byte(b);
  }
  u32(v: number): void {
    for (let i = 0; i < 4; i++) this.byte(v >>> (8 * i));
  }
  u64(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    for (let i = 0n; i < 8n; i++) this.byte(Number((u >> (8n * i)) & 0xffn));
  }

  newLabel(): number {
    this.labelOffsets.push(-1);
    return this.labelOffsets.length - 1;
  }
  bind(label: number): void {
    if (this.labelOffsets[label] !== -1) throw new Error(`label ${label} bound twice`);
    this.labelOffsets[label] = this.len;
  }
  isBound(label: number): boolean {
    return this.labelOffsets[label]! >= 0;
  }
  offsetOf(label: number): number {
    return this.labelOffsets[label]!;
  }

  /** Emits `opcode` and a displacement to `label`, relative to the end of the instruction. */
  private branch(shortOp: number[] | null, longOp: number[], label: number): void {
    const target = this.labelOffsets[label]!;
    if (shortOp && target >= 0) {
      const disp = target - (this.len + shortOp.length + 1);
      if (disp >= -128) {
        this.bytesOf(...shortOp, disp);
        return;
      }
    }
    this.bytesOf(...longOp);
    this.fixups.push({ at: this.len, label });
    this.u32(0);
  }
  jmp(label: number): void {
    this.branch([0xeb], [0xe9], label);
  }
  jcc(cc: number, label: number): void {
    this.branch([0x70 | cc], [0x0f, 0x80 | cc], label);
  }
  call(label: number): void {
    this.branch(null, [0xe8], label);
  }

  /** Resolves every fixup; throws if a label was never bound. Returns the code. */
  finish(): Uint8Array {
    for (const { at, label } of this.fixups) {
      const target = this.labelOffsets[label]!;
      if (target < 0) throw new Error(`label ${label} used but never bound`);
      const disp = target - (at + 4);
      for (let i = 0; i < 4; i++) this.bytes[at + i] = (disp >>> (8 * i)) & 0xff;
    }
    this.fixups.length = 0;
    return this.bytes.slice(0, this.len);
  }
}
