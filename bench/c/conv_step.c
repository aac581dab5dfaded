/*
 * Single-threaded C reference for one DSM training step of CritDiff's ConvScoreNetwork conv:8:1 (tanh, n = 1) in
 * d = 2 (issue 12), the work of bench/CritDiff.Benchmarks quick mode "conv-step":
 *   x_t = a x0 + b z (x0 fixed white-noise data, t = 0.1, VP a = exp(-t), b^2 = 1 - exp(-2t)), z from a pool of 4
 *   pre-drawn batches (the generator is not timed);
 *   z1_c = K1_c * x_t + b1_c, h_c = tanh(z1_c) (C = 8 channels), s = sum_c Kout_c * h_c + K0 * x_t,
 *   (K * h)(x) = sum_e K[e] h(x + e), e in {-1, 0, 1}^2, periodic (via a halo-padded copy of width L + 2);
 *   loss (1/(B V)) sum |s + z/b|^2, upstream u = 2 (s + z/b)/(B V); backward by hand; Adam (lr 1e-3).
 * Loops are written as a competent C programmer would for the compiler to vectorise: innermost over x, contiguous.
 * Usage: conv_step L batch seconds [seed]
 * Prints: L=<L> batch=<B> steps=<n> seconds=<wall> ms_per_step=<wall ms> cpu_ms_per_step=<process CPU ms>
 *         loss=<first loss> gradcheck=<largest rel. error of two backward entries against central finite differences>
 * Build: gcc -O3 -march=native -o conv_step conv_step.c -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define C 8
#define E 9
#define POOL 4

static uint64_t s0, s1, s2, s3;
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t next_u64(void)
{
    uint64_t result = rotl(s1 * 5, 7) * 9, t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
    return result;
}
static inline double next_double(void) { return (double)(next_u64() >> 11) * (1.0 / 9007199254740992.0); }
static double gaussian(void)
{
    double u = next_double(), v = next_double();
    return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int L, W, V, B;
static double a_t, b_t;
/* parameters, gradients, Adam moments: K1[C][E], b1[C], Kout[C][E], K0[E] in one flat array */
#define NP (C * E + C + C * E + E)
static double theta[NP], grad[NP], m1[NP], m2[NP];
#define K1 (theta)
#define B1 (theta + C * E)
#define KOUT (theta + C * E + C)
#define K0 (theta + 2 * C * E + C)
static double *x0, *noise[POOL], *xp, *z1, *hp, *score, *up, *dh;
static long adam_steps;

static void pad(const double *src, double *dst)
{
    for (int py = 0; py < W; py++) {
        const double *row = src + ((py - 1 + L) % L) * L;
        double *out = dst + py * W;
        out[0] = row[L - 1];
        memcpy(out + 1, row, L * sizeof(double));
        out[L + 1] = row[0];
    }
}

/* out[y][x] += k * in[(y + ky) W + x + kx] over the L x L sites (in padded, out compact) */
static inline void shifted_add(double *restrict out, const double *restrict in, double k, int ky, int kx)
{
    for (int y = 0; y < L; y++) {
        const double *restrict row = in + (y + ky) * W + kx;
        double *restrict o = out + y * L;
        for (int x = 0; x < L; x++) o[x] += k * row[x];
    }
}

/* sum_x g[x] in[x + e] */
static inline double shifted_dot(const double *restrict g, const double *restrict in, int ky, int kx)
{
    double sum = 0;
    for (int y = 0; y < L; y++) {
        const double *restrict row = in + (y + ky) * W + kx;
        const double *restrict gy = g + y * L;
        for (int x = 0; x < L; x++) sum += gy[x] * row[x];
    }
    return sum;
}

/* forward of sample n into xp/z1/hp (per-sample caches) and score; x_t from x0 and z */
static void forward(int n, const double *z)
{
    double *xt = score + (size_t)n * V; /* use the score slot as scratch for x_t */
    for (int i = 0; i < V; i++) xt[i] = a_t * x0[(size_t)n * V + i] + b_t * z[(size_t)n * V + i];
    double *xpn = xp + (size_t)n * W * W;
    pad(xt, xpn);
    double *zn = z1 + (size_t)n * C * V, *hpn = hp + (size_t)n * C * W * W;
    double *h = dh; /* scratch */
    for (int c = 0; c < C; c++) {
        double *zc = zn + c * V;
        for (int i = 0; i < V; i++) zc[i] = B1[c];
        for (int e = 0; e < E; e++) shifted_add(zc, xpn, K1[c * E + e], e / 3, e % 3);
        for (int i = 0; i < V; i++) h[i] = tanh(zc[i]);
        pad(h, hpn + c * W * W);
    }
    double *s = score + (size_t)n * V;
    memset(s, 0, V * sizeof(double));
    for (int c = 0; c < C; c++)
        for (int e = 0; e < E; e++) shifted_add(s, hpn + c * W * W, KOUT[c * E + e], e / 3, e % 3);
    for (int e = 0; e < E; e++) shifted_add(s, xpn, K0[e], e / 3, e % 3);
}

/* loss and upstream u of sample n; gradient accumulation */
static double backward(int n, const double *z)
{
    double *s = score + (size_t)n * V, *u = dh + C * V; /* u after the C dh channels */
    double loss = 0, scale = 2.0 / ((double)B * V), inv_b = 1 / b_t;
    for (int i = 0; i < V; i++) {
        double r = s[i] + inv_b * z[(size_t)n * V + i];
        loss += r * r;
        u[i] = scale * r;
    }
    double *xpn = xp + (size_t)n * W * W, *hpn = hp + (size_t)n * C * W * W;
    double *gK1 = grad, *gB1 = grad + C * E, *gKout = grad + C * E + C, *gK0 = grad + 2 * C * E + C;
    for (int c = 0; c < C; c++)
        for (int e = 0; e < E; e++) gKout[c * E + e] += shifted_dot(u, hpn + c * W * W, e / 3, e % 3);
    for (int e = 0; e < E; e++) gK0[e] += shifted_dot(u, xpn, e / 3, e % 3);
    pad(u, up);
    for (int c = 0; c < C; c++) {
        double *d = dh + c * V;
        memset(d, 0, V * sizeof(double));
        /* dh_c(y) = sum_e Kout[c][e] u(y - e): offset -e sits at (2 - ky, 2 - kx) */
        for (int e = 0; e < E; e++) shifted_add(d, up, KOUT[c * E + e], 2 - e / 3, 2 - e % 3);
        /* sigma'(z) = 1 - h^2 from the cached activations (interior of the padded copy) */
        const double *hc = hpn + c * W * W;
        double bias = 0;
        for (int y = 0; y < L; y++) {
            const double *hy = hc + (y + 1) * W + 1;
            double *dy = d + y * L;
            for (int x = 0; x < L; x++) {
                dy[x] *= 1 - hy[x] * hy[x];
                bias += dy[x];
            }
        }
        gB1[c] += bias;
        for (int e = 0; e < E; e++) gK1[c * E + e] += shifted_dot(d, xpn, e / 3, e % 3);
    }
    return loss / ((double)B * V);
}

static double step(int call, int update)
{
    const double *z = noise[call % POOL];
    memset(grad, 0, sizeof grad);
    double loss = 0;
    for (int n = 0; n < B; n++) {
        forward(n, z);
        loss += backward(n, z);
    }
    if (update) {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, lr = 1e-3;
        adam_steps++;
        double c1 = 1 - pow(beta1, adam_steps), c2 = 1 - pow(beta2, adam_steps);
        for (int i = 0; i < NP; i++) {
            m1[i] = beta1 * m1[i] + (1 - beta1) * grad[i];
            m2[i] = beta2 * m2[i] + (1 - beta2) * grad[i] * grad[i];
            theta[i] -= lr * (m1[i] / c1) / (sqrt(m2[i] / c2) + eps);
        }
    }
    return loss;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: conv_step L batch seconds [seed]\n");
        return 2;
    }
    L = atoi(argv[1]); B = atoi(argv[2]);
    double seconds = atof(argv[3]);
    uint64_t seed = argc > 4 ? strtoull(argv[4], 0, 10) : 1;
    if (L < 3 || B < 1) { fprintf(stderr, "need L >= 3 and batch >= 1\n"); return 2; }
    s0 = seed * 0x9E3779B97F4A7C15ULL + 1; s1 = 0x6A09E667F3BCC909ULL; s2 = 0xBB67AE8584CAA73BULL; s3 = 0x3C6EF372FE94F82BULL;
    for (int i = 0; i < 16; i++) next_u64();
    W = L + 2; V = L * L;
    a_t = exp(-0.1); b_t = sqrt(-expm1(-0.2));
    size_t bv = (size_t)B * V;
    x0 = malloc(bv * sizeof(double));
    for (int k = 0; k < POOL; k++) noise[k] = malloc(bv * sizeof(double));
    xp = malloc((size_t)B * W * W * sizeof(double));
    z1 = malloc(bv * C * sizeof(double));
    hp = malloc((size_t)B * C * W * W * sizeof(double));
    score = malloc(bv * sizeof(double));
    up = malloc((size_t)W * W * sizeof(double));
    dh = malloc((size_t)(C + 1) * V * sizeof(double));
    for (size_t i = 0; i < bv; i++) x0[i] = gaussian();
    for (int k = 0; k < POOL; k++) for (size_t i = 0; i < bv; i++) noise[k][i] = gaussian();
    /* start as ConvScoreNetwork.Initialize: K1 ~ N(0, 1/9), b1 = 0, Kout small random (so every term is exercised), K0 = -1/S_max delta */
    for (int i = 0; i < C * E; i++) K1[i] = gaussian() / 3;
    for (int i = 0; i < C * E; i++) KOUT[i] = 0.05 * gaussian();
    K0[4] = -1 / (a_t * a_t + b_t * b_t);

    /* gradient check of one K1 and one Kout entry */
    double first = step(0, 0), check = 0;
    int probes[2] = {4, C * E + C + 3};
    for (int p = 0; p < 2; p++) {
        int j = probes[p];
        step(0, 0);
        double g = grad[j], saved = theta[j], h = 1e-5;
        theta[j] = saved + h; double plus = step(0, 0);
        theta[j] = saved - h; double minus = step(0, 0);
        theta[j] = saved;
        double fd = (plus - minus) / (2 * h), rel = fabs(g - fd) / fmax(fabs(fd), 1e-300);
        if (rel > check) check = rel;
    }

    double start = now();
    while (now() - start < 0.2) step(0, 1);
    long steps = 0;
    start = now();
    double cpu_start = cpu_now(), elapsed;
    do { step((int)steps, 1); steps++; elapsed = now() - start; } while (elapsed < seconds);
    double cpu = cpu_now() - cpu_start;
    printf("L=%d batch=%d steps=%ld seconds=%.4f ms_per_step=%.5f cpu_ms_per_step=%.5f loss=%.10g gradcheck=%.3g\n",
           L, B, steps, elapsed, 1e3 * elapsed / steps, 1e3 * cpu / steps, first, check);
    return 0;
}
