// A minimal static ELF64 executable for x86-64 Linux: no libc, no dynamic linking, no
// sections. One read+execute segment holds the headers and the code; one read+write
// segment, all zero-filled (bss), holds the program's global data.

/** Where the code is loaded; the file's first page holds the headers. */
export const CODE_ADDR = 0x401000;
const FILE_CODE_OFFSET = 0x1000;
const BASE_ADDR = CODE_ADDR - FILE_CODE_OFFSET;
/** Where the zero-filled data segment starts (below 2^31, so absolute disp32 addressing reaches it). */
export const DATA_ADDR = 0x10000000;

export function writeElf(code: Uint8Array, entryOffset: number, dataBytes: number): Uint8Array {
  const file = new Uint8Array(FILE_CODE_OFFSET + code.length);
  const view = new DataView(file.buffer);
  const u16 = (at: number, v: number) => view.setUint16(at, v, true);
  const u32 = (at: number, v: number) => view.setUint32(at, v, true);
  const u64 = (at: number, v: number) => view.setBigUint64(at, BigInt(v), true);
  // ELF header
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // magic, 64-bit, little-endian, version 1, System V ABI
  u16(16, 2); // ET_EXEC
  u16(18, 62); // EM_X86_64
  u32(20, 1); // EV_CURRENT
  u64(24, CODE_ADDR + entryOffset); // entry
  u64(32, 64); // program headers right after this header
  u64(40, 0); // no section headers
  u32(48, 0); // flags
  u16(52, 64); // header size
  u16(54, 56); // program header entry size
  u16(56, 2); // two program headers
  u16(58, 64); // section header entry size
  u16(60, 0);
  u16(62, 0);
  const segment = (at: number, flags: number, offset: number, addr: number, fileSize: number, memSize: number) => {
    u32(at, 1); // PT_LOAD
    u32(at + 4, flags);
    u64(at + 8, offset);
    u64(at + 16, addr);
    u64(at + 24, addr);
    u64(at + 32, fileSize);
    u64(at + 40, memSize);
    u64(at + 48, 0x1000);
  };
  segment(64, 5, 0, BASE_ADDR, file.length, file.length); // R+X: headers and code
  segment(64 + 56, 6, 0, DATA_ADDR, 0, Math.max(dataBytes, 8)); // R+W: zero-filled data
  file.set(code, FILE_CODE_OFFSET);
  return file;
}
