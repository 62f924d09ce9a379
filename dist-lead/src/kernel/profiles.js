/**
 * Kernel profiles: named tables of switches, one per kernel behaviour that changed over the
 * years. Code asks a switch (`kn.profile.bindOrder`), never a version number, so a historical
 * variant is a row of data. Differences follow ../shared/notes/linux-facts.md and the seeds.
 */
import { MPOL_MF_STRICT, MPOL_MF_VALID } from './constants.js';
const V6_12 = {
    name: '6.12',
    summary: 'today\'s kernel (default)',
    mpolMax: 7,
    modeFlags: true,
    numaBalancingFlag: true,
    mbindFlags: MPOL_MF_VALID,
    memsAllowedFlag: true,
    mbindNodesFirst: true,
    nodemaskCheck: 'intersect',
    bindOrder: 'nearest',
    localReport: 'local',
    getMaxnodeMin: 'nr_node_ids',
    anonPgoff: 'vaddr',
    defaultSkipsHoles: true,
    filePolicy: false,
    numaMaps: { sep: ':', kernelPageSize: true },
};
const V2_6_7 = {
    name: '2.6.7',
    summary: 'the original NUMA API of seed 002 (Andi Kleen, 2004)',
    mpolMax: 4,
    modeFlags: false,
    numaBalancingFlag: false,
    mbindFlags: MPOL_MF_STRICT,
    memsAllowedFlag: false,
    mbindNodesFirst: false,
    nodemaskCheck: 'strict',
    bindOrder: 'node-id',
    localReport: 'preferred-all',
    getMaxnodeMin: 'MAX_NUMNODES',
    anonPgoff: 'zero',
    defaultSkipsHoles: false,
    filePolicy: false,
    numaMaps: null,
};
const PROFILES = {
    '6.12': V6_12,
    '2.6.7': V2_6_7,
    // Seed 000 on top of 2.6.7 (never merged upstream).
    '2.6.8-rc3+file-policy': {
        ...V2_6_7,
        name: '2.6.8-rc3+file-policy',
        summary: 'seed 000: file mappings with shared policies that place the page cache (never merged upstream)',
        filePolicy: true,
    },
};
/** Names of the profiles, default first. */
export const PROFILE_NAMES = Object.keys(PROFILES);
export const DEFAULT_PROFILE = '6.12';
/** The profile called `name`, or undefined. */
export function findProfile(name) {
    return Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}
//# sourceMappingURL=profiles.js.map