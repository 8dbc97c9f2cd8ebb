// Ion's ids, as branded numbers: free at run time (each is a plain index into
// the struct-of-arrays columns of data.ts and bundles.ts), but the type
// checker tells a bundle from a live range, a use, a spill set, a spill slot
// or a vreg index, so that `tryToAllocateBundleToReg(ion, bundle, preg, ...)`
// cannot be called with its arguments swapped. regalloc2 does the same with
// `define_index!` (LiveBundleIndex, LiveRangeIndex, UseIndex, SpillSetIndex,
// SpillSlotIndex, VRegIndex).

declare const idBrand: unique symbol;
type Id<Name extends string> = number & { readonly [idBrand]: Name };

/** A bundle: live ranges allocated together (`Bundles` columns). */
export type BundleId = Id<'BundleId'>;
/** A live range: [from, to) of one vreg (`LiveRanges` columns). */
export type RangeId = Id<'RangeId'>;
/** A use: one operand of one vreg at one point (`Uses` columns). */
export type UseId = Id<'UseId'>;
/** A spill set: the bundles of one merged vreg group, sharing a spill slot (`SpillSets` columns). */
export type SpillSetId = Id<'SpillSetId'>;
/** A spill slot before its stack offset is chosen (`SpillSlots` entries). */
export type SpillSlotId = Id<'SpillSlotId'>;
/** A vreg's index (a packed `VReg` without its class bits), as in `ion.vregRanges[index]`. */
export type VRegIndex = Id<'VRegIndex'>;

/** The "none" value of every id (regalloc2's `invalid()` indices). */
export const NO_ID = -1;
