/**
 * The static description of an emulated machine, as the kernel sees it after boot: nodes, CPUs,
 * memory, SLIT distances, table sizes and the kernel profile. It is plain data, identical in
 * every thread, and never changes while the machine runs.
 */
/** log2 of the pages in a memory section; node pfn ranges are section aligned. */
export const SECTION_SHIFT = 8;
/** Highest address of every mm's window (exclusive), as x86-64's mmap base region. */
export const WINDOW_TOP = 0x7f0000000000;
//# sourceMappingURL=config.js.map