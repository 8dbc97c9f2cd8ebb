// The playground's first function: a loop around a call that clobbers most
// registers, so values live across the call are spilled and reloaded.

export const EXAMPLE_TEXT = `; Edit me: the view below redraws as you type.
; A loop around a call: base and count live across the call, which clobbers
; rcx, rdx and rbx, so they are spilled to the stack and reloaded after it.
function "loop-with-call"
regs rax=p0i, rcx=p1i, rdx=p2i, rbx=p3i
preferred int rax, rcx, rdx, rbx

block0:
  op v0i = def fixed(rax), v1i = def fixed(rcx)   ; base, count: the arguments
  op v2i = def reg                                ; i = 0
  branch -> block1(v2i)

block1(v3i):                                      ; i
  op v4i = def reg, use v0i reg, use v3i reg      ; t = base + i
  op v5i = def fixed(rax), use v4i fixed(rax) clobbers rcx, rdx, rbx  ; r = f(t)
  op v6i = def reuse(1), use v3i reg, use v5i reg ; next = i + r
  op v7i = def reg, use v6i reg, use v1i any      ; next < count?
  branch use v7i reg -> block2, block3

block2:                                           ; the back edge
  branch -> block1(v6i)

block3:
  op v8i = def reg, use v0i reg, use v6i reg
  ret use v8i fixed(rax)
`;
