import { type Kernel } from './kernel.js';
/** The largest segment an inode's page cache can index (the emulator's SHMMAX). */
export declare const SHMMAX: number;
/** What shmctl(IPC_STAT) returns. */
export interface ShmidDs {
    shm_perm: {
        key: number;
        uid: number;
        cuid: number;
        mode: number;
    };
    shm_segsz: number;
    shm_nattch: number;
}
/** ksys_shmget */
export declare function kernelShmget(kn: Kernel, t: number, key: number, size: number, flg: number): number;
/** do_shmat: attach the segment; returns the address or -errno. */
export declare function doShmat(kn: Kernel, t: number, shmid: number, addr: number, flg: number): number;
/** ksys_shmdt: detach the segment attached at `addr` (every VMA of it that follows). */
export declare function kernelShmdt(kn: Kernel, t: number, addr: number): number;
/** ksys_shmctl for IPC_RMID and IPC_STAT. */
export declare function kernelShmctl(kn: Kernel, t: number, shmid: number, cmd: number): ShmidDs | number;
