/*
 * FFTW reference for CritDiff's FourierTransform.ForwardReal (issue 14): one r2c plan (FFTW_MEASURE, one thread)
 * of a d-dimensional L^d real field of doubles, executed repeatedly for about `seconds` after a warm-up.
 * Usage: fft_fftw d L seconds
 * Prints: d=<d> L=<L> transforms=<count> seconds=<wall> seconds_per_transform=<wall/count> check=<sum |X|^2>
 * Build: gcc -O3 -march=native -o fft_fftw fft_fftw.c -lfftw3 -lm
 */
#include <fftw3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: fft_fftw d L seconds\n"); return 2; }
    int d = atoi(argv[1]), L = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int n[4];
    long v = 1, half = 1;
    for (int mu = 0; mu < d; mu++) { n[mu] = L; v *= L; half *= (mu == d - 1) ? L / 2 + 1 : L; }
    double *in = fftw_alloc_real(v);
    fftw_complex *out = fftw_alloc_complex(half);
    fftw_plan plan = fftw_plan_dft_r2c(d, n, in, out, FFTW_MEASURE);
    srand(1);
    for (long i = 0; i < v; i++) in[i] = (double)rand() / RAND_MAX - 0.5;
    double start = now();
    while (now() - start < 0.2) fftw_execute(plan);
    long count = 0;
    start = now();
    double elapsed;
    do { fftw_execute(plan); count++; elapsed = now() - start; } while (elapsed < seconds);
    double check = 0;
    for (long i = 0; i < half; i++) check += out[i][0] * out[i][0] + out[i][1] * out[i][1];
    printf("d=%d L=%d transforms=%ld seconds=%.6f seconds_per_transform=%.6e check=%.6e\n", d, L, count, elapsed, elapsed / count, check);
    fftw_destroy_plan(plan);
    fftw_free(in);
    fftw_free(out);
    return 0;
}
