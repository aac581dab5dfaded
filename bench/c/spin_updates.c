/*
 * Single-threaded C reference for the Ising (n = 1) updates of CritDiff's SpinMetropolis and SpinWolff kernels:
 * the same data (spins +-1 stored as doubles, a flat 2d-neighbour table x + e0, x - e0, x + e1, ...), the same
 * generator (xoshiro256**, uniform doubles from the top 53 bits), the same updates:
 *   metropolis: sites in index order, flip with probability min(1, exp(-2 beta s h)) from a table indexed by
 *               (s h + 2d)/2, a uniform drawn only when s h > 0;
 *   wolff:      single clusters from a uniform seed (high word of a 64 x 64-bit product), flip on push, neighbours
 *               with the old sign added with probability 1 - exp(-2 beta), explicit int stack (the C# kernel
 *               groups clusters into sweeps by a calibrated count, here until V sites are flipped: the work per
 *               flipped site, which is what is timed, is the same).
 * Usage: spin_updates metropolis|wolff d L seconds [seed]
 * Runs updates for about `seconds` after a warm-up and prints one line:
 *   kernel=<k> d=<d> L=<L> updates=<site updates> seconds=<wall> rate=<site updates per second> check=<sum of spins>
 * Build: gcc -O3 -march=native -o spin_updates spin_updates.c
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t s0, s1, s2, s3;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next_u64(void)
{
    uint64_t result = rotl(s1 * 5, 7) * 9, t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
    return result;
}

static inline double next_double(void) { return (double)(next_u64() >> 11) * (1.0 / 9007199254740992.0); }

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline int uniform_site(int v) { return (int)(((unsigned __int128)next_u64() * (uint64_t)v) >> 64); }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* One Metropolis sweep; returns the mean acceptance probability (as the C# kernel does). */
static double metropolis_sweep(double *s, const int *nb, int v, int degree, const double *acceptance)
{
    double sum = 0;
    for (int x = 0, k = 0; x < v; x++, k += degree) {
        double h = 0;
        for (int j = 0; j < degree; j++) h += s[nb[k + j]];
        double sx = s[x];
        double p = acceptance[((int)(sx * h) + degree) >> 1];
        sum += p;
        if (p >= 1 || next_double() < p) s[x] = -sx;
    }
    return sum / v;
}

/* One Wolff cluster; returns its size. */
static int wolff_cluster(double *s, const int *nb, int v, int degree, double p, int *stack)
{
    int seed = uniform_site(v);
    double old = s[seed];
    s[seed] = -old;
    stack[0] = seed;
    int depth = 1, size = 1;
    while (depth > 0) {
        const int *row = nb + (long)stack[--depth] * degree;
        for (int j = 0; j < degree; j++) {
            int y = row[j];
            if (s[y] == old && next_double() < p) {
                s[y] = -old;
                stack[depth++] = y;
                size++;
            }
        }
    }
    return size;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s metropolis|wolff d L seconds [seed]\n", argv[0]);
        return 2;
    }
    const char *kernel = argv[1];
    int d = atoi(argv[2]), l = atoi(argv[3]);
    double seconds = atof(argv[4]);
    uint64_t seed = argc > 5 ? strtoull(argv[5], 0, 10) : 1;
    int wolff = strcmp(kernel, "wolff") == 0;
    if ((!wolff && strcmp(kernel, "metropolis") != 0) || d < 1 || d > 4 || l < 2) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    double beta = d == 2 ? 0.5 * log(1 + sqrt(2.0)) : d == 3 ? 0.22165463 : 0.15;
    int v = 1;
    for (int mu = 0; mu < d; mu++) v *= l;
    int degree = 2 * d;
    int *nb = malloc(sizeof(int) * (size_t)v * degree);
    int *stack = malloc(sizeof(int) * (size_t)v);
    double *s = malloc(sizeof(double) * (size_t)v);
    for (int x = 0; x < v; x++) {
        int stride = 1;
        for (int mu = d - 1; mu >= 0; mu--) {
            int c = x / stride % l;
            nb[x * degree + 2 * mu] = x + ((c + 1) % l - c) * stride;
            nb[x * degree + 2 * mu + 1] = x + ((c + l - 1) % l - c) * stride;
            stride *= l;
        }
    }
    uint64_t state = seed;
    s0 = splitmix(&state); s1 = splitmix(&state); s2 = splitmix(&state); s3 = splitmix(&state);
    for (int x = 0; x < v; x++) s[x] = next_double() < 0.5 ? -1.0 : 1.0;
    double acceptance[9];
    for (int i = 0; i <= degree; i++) {
        double a = exp(-2 * beta * (2 * i - degree));
        acceptance[i] = a < 1 ? a : 1;
    }
    double add = 1 - exp(-2 * beta);

    /* Warm-up (and thermalisation towards the critical state, so clusters have their typical size): 0.5 s. */
    double start = now(), sink = 0;
    while (now() - start < 0.5) {
        if (wolff) { long f = 0; while (f < v) f += wolff_cluster(s, nb, v, degree, add, stack); }
        else sink += metropolis_sweep(s, nb, v, degree, acceptance);
    }
    long updates = 0;
    start = now();
    double elapsed;
    do {
        if (wolff) { long f = 0; while (f < v) f += wolff_cluster(s, nb, v, degree, add, stack); updates += f; }
        else { sink += metropolis_sweep(s, nb, v, degree, acceptance); updates += v; }
        elapsed = now() - start;
    } while (elapsed < seconds);
    double check = 0;
    for (int x = 0; x < v; x++) check += s[x];
    printf("kernel=%s d=%d L=%d updates=%ld seconds=%.6f rate=%.6e check=%g sink=%g\n", kernel, d, l, updates, elapsed,
        updates / elapsed, check, sink);
    free(nb); free(stack); free(s);
    return 0;
}
