/*
 * The real kernel's cost of the calls numa-emu emulates, on this machine, through syscall(2):
 * the baseline the bench prints the emulated figures against (bench/real-kernel.ts builds this
 * file into a temporary directory with cc and runs it; nothing here is committed as a binary).
 *
 * Each figure is the median, over RUNS runs, of the mean cost of one operation in a batch, in
 * nanoseconds; the output is one JSON object. The arguments mirror the emulated bench:
 *   fault    first write to each page of a fresh private anonymous mapping (64 pages)
 *   get      get_mempolicy(&mode, mask, 1025, 0, 0): a mask as libnuma asks for it
 *            (numa_num_possible_nodes() + 1 with the usual 1024-bit nodemask)
 *   set      set_mempolicy alternating MPOL_BIND and MPOL_INTERLEAVE over nodes 0-1, maxnode 65
 *   mbind    mbind of 16 untouched pages, alternating the same two policies
 *   move     move_pages of 16 touched pages with nodes NULL (a query of where they are)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define RUNS 31
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3

static double now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v) {
	qsort(v, RUNS, sizeof *v, cmp);
	return v[RUNS / 2];
}

static double fault(void) {
	enum { N = 64 };
	double v[RUNS];
	for (int r = 0; r < RUNS; r++) {
		char *p = mmap(NULL, N * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) return -1;
		double t = now_ns();
		for (int i = 0; i < N; i++) ((volatile char *)p)[i * PAGE] = 1;
		v[r] = (now_ns() - t) / N;
		munmap(p, N * PAGE);
	}
	return median(v);
}

static double get(void) {
	enum { N = 4096 };
	unsigned long mask[1024 / 64];
	int mode;
	double v[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t = now_ns();
		for (int i = 0; i < N; i++)
			if (syscall(SYS_get_mempolicy, &mode, mask, 1025UL, 0UL, 0UL) != 0) return -1;
		v[r] = (now_ns() - t) / N;
	}
	return median(v);
}

static double set(void) {
	enum { N = 4096 };
	unsigned long mask = 3;
	double v[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t = now_ns();
		for (int i = 0; i < N; i++)
			if (syscall(SYS_set_mempolicy, i & 1 ? MPOL_BIND : MPOL_INTERLEAVE, &mask, 65UL) != 0) return -1;
		v[r] = (now_ns() - t) / N;
	}
	syscall(SYS_set_mempolicy, 0, NULL, 0UL);
	return median(v);
}

static double mbind16(void) {
	enum { N = 2048 };
	unsigned long mask = 3;
	double v[RUNS];
	char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) return -1;
	for (int r = 0; r < RUNS; r++) {
		double t = now_ns();
		for (int i = 0; i < N; i++)
			if (syscall(SYS_mbind, p, 16UL * PAGE, i & 1 ? MPOL_BIND : MPOL_INTERLEAVE, &mask, 65UL, 0U) != 0) return -1;
		v[r] = (now_ns() - t) / N;
	}
	munmap(p, 16 * PAGE);
	return median(v);
}

static double move_query(void) {
	enum { N = 1024, PAGES = 16 };
	void *pages[PAGES];
	int status[PAGES];
	double v[RUNS];
	char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) return -1;
	for (int i = 0; i < PAGES; i++) {
		p[i * PAGE] = 1;
		pages[i] = p + i * PAGE;
	}
	for (int r = 0; r < RUNS; r++) {
		double t = now_ns();
		for (int i = 0; i < N; i++)
			if (syscall(SYS_move_pages, 0, (unsigned long)PAGES, pages, NULL, status, 0) != 0) return -1;
		v[r] = (now_ns() - t) / N / PAGES;
	}
	munmap(p, PAGES * PAGE);
	return median(v);
}

int main(void) {
	printf("{\"fault\": %.1f, \"get\": %.1f, \"set\": %.1f, \"mbind\": %.1f, \"movePerPage\": %.1f}\n", fault(), get(), set(), mbind16(), move_query());
	return 0;
}
