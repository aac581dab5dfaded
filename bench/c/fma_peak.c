/*
 * Peak double-precision FMA throughput of this machine's cores (issue 22, the reference of the unet-step benchmark's
 * "% of peak"): each thread runs a loop of 16 independent FMA chains acc_k = acc_k * m + c (16 accumulators: more than
 * the FMA latency, 4 cycles, times the FMA ports, 2, so the loop is bound by throughput, not by the chains' latency),
 * on 256-bit (AVX2, 4 doubles) or 512-bit (AVX-512, 8 doubles) vectors. One FMA of w doubles counts 2 w FLOP.
 * Usage: fma_peak threads width seconds      (width 256 or 512; 512 needs AVX-512F, compiled in with -march=native)
 * Prints: threads=<T> width=<bits> seconds=<wall> gflops=<GFLOP/s over all threads, wall time>
 *         cpu_gflops=<GFLOP per second of process CPU time: one core's rate while it runs, the fair figure when other
 *         jobs share the cores> check=<sum of accumulators>
 * Build: gcc -O3 -march=native -pthread -o fma_peak fma_peak.c -lm
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 16
#define INNER 1000L

static double clock_seconds(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

typedef struct
{
    long outer;
    int width;
    double check;
} job_t;

static void *run256(job_t *job)
{
    __m256d acc[CHAINS];
    for (int k = 0; k < CHAINS; k++) acc[k] = _mm256_set1_pd(0.001 * k);
    /* m slightly below 1 and c small keep the values bounded and normal (no denormal slow-down). */
    const __m256d m = _mm256_set1_pd(0.999999), c = _mm256_set1_pd(1e-6);
    for (long o = 0; o < job->outer; o++)
        for (long i = 0; i < INNER; i++)
        {
#pragma GCC unroll 16
            for (int k = 0; k < CHAINS; k++) acc[k] = _mm256_fmadd_pd(acc[k], m, c);
        }
    double sum = 0, lanes[4];
    for (int k = 0; k < CHAINS; k++)
    {
        _mm256_storeu_pd(lanes, acc[k]);
        sum += lanes[0] + lanes[1] + lanes[2] + lanes[3];
    }
    job->check = sum;
    return NULL;
}

#ifdef __AVX512F__
static void *run512(job_t *job)
{
    __m512d acc[CHAINS];
    for (int k = 0; k < CHAINS; k++) acc[k] = _mm512_set1_pd(0.001 * k);
    const __m512d m = _mm512_set1_pd(0.999999), c = _mm512_set1_pd(1e-6);
    for (long o = 0; o < job->outer; o++)
        for (long i = 0; i < INNER; i++)
        {
#pragma GCC unroll 16
            for (int k = 0; k < CHAINS; k++) acc[k] = _mm512_fmadd_pd(acc[k], m, c);
        }
    double sum = 0;
    for (int k = 0; k < CHAINS; k++) sum += _mm512_reduce_add_pd(acc[k]);
    job->check = sum;
    return NULL;
}
#endif

static void *run(void *arg)
{
    job_t *job = arg;
#ifdef __AVX512F__
    if (job->width == 512) return run512(job);
#endif
    return run256(job);
}

/* Wall seconds of `outer` x INNER x CHAINS FMAs on each of `threads` threads. */
static double timed(int threads, int width, long outer, double *check)
{
    pthread_t ids[64];
    job_t jobs[64];
    double t0 = now();
    for (int t = 0; t < threads; t++)
    {
        jobs[t] = (job_t){outer, width, 0};
        pthread_create(&ids[t], NULL, run, &jobs[t]);
    }
    *check = 0;
    for (int t = 0; t < threads; t++)
    {
        pthread_join(ids[t], NULL);
        *check += jobs[t].check;
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 4)
    {
        fprintf(stderr, "usage: fma_peak threads width seconds\n");
        return 2;
    }
    int threads = atoi(argv[1]), width = atoi(argv[2]);
    double seconds = atof(argv[3]), check;
#ifndef __AVX512F__
    if (width == 512)
    {
        fprintf(stderr, "fma_peak: built without AVX-512F\n");
        return 2;
    }
#endif
    if (threads < 1 || threads > 64 || (width != 256 && width != 512))
    {
        fprintf(stderr, "fma_peak: threads 1..64, width 256 or 512\n");
        return 2;
    }
    /* Calibrate on one thread, then run for about `seconds`. */
    long outer = 10;
    double t = timed(1, width, outer, &check);
    while (t < 0.05)
    {
        outer *= 4;
        t = timed(1, width, outer, &check);
    }
    outer = (long)(outer * seconds / t) + 1;
    double cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    t = timed(threads, width, outer, &check);
    cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    double flops = 2.0 * (width / 64) * CHAINS * INNER * (double)outer * threads;
    printf("threads=%d width=%d seconds=%.4f gflops=%.3f cpu_gflops=%.3f check=%.6g\n", threads, width, t, flops / t * 1e-9,
           flops / cpu * 1e-9, check);
    return 0;
}
