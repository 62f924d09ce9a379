import { type Kernel } from './kernel.js';
/** mpol_to_str: "interleave:0-3", "bind=static:1", "default". */
export declare function mpolToStr(kn: Kernel, p: number, sep: string): string;
/** The text of /proc/<pid>/numa_maps for task `t` (null when the profile has no such file). */
export declare function showNumaMaps(kn: Kernel, t: number, m: number): string | null;
