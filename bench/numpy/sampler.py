#!/usr/bin/env python3
"""NumPy reference for the exact sampler: phi = irfftn(sqrt(C) * rfftn(eta)), eta ~ N(0, 1).

Same model and sizes as `dotnet run -c Release --project bench/CritDiff.Benchmarks -- sampler-throughput`:
C(k) = 1/(beta (khat2 + mu2)), xi/L = 1/4 (mu2 = 1/(L/4)^2; beta does not change the cost), batches of 64,
median samples/s over repeats. NumPy's pocketfft runs on one thread. A second variant uses the same
"one complex inverse FFT per two samples" trick as CritDiff, for a like-for-like comparison.
Run with Debian's python3 (apt-get install python3-numpy): /usr/bin/python3 bench/numpy/sampler.py
"""
import json
import sys
import time

import numpy as np


def spectrum(d, L):
    k = 2 * np.pi * np.arange(L) / L
    k1 = 4 * np.sin(k / 2) ** 2
    khat2 = sum(np.meshgrid(*([k1] * d), indexing="ij"))
    mu2 = 1.0 / (0.25 * L) ** 2
    return 1.0 / (khat2 + mu2)


def sampler_rfft(d, L, batch, rng):
    amp = np.sqrt(spectrum(d, L))[..., : L // 2 + 1]
    axes = tuple(range(1, d + 1))

    def draw():
        eta = rng.standard_normal((batch,) + (L,) * d)
        return np.fft.irfftn(amp * np.fft.rfftn(eta, axes=axes), s=(L,) * d, axes=axes)

    return draw


def sampler_complex_pairs(d, L, batch, rng):
    amp = np.sqrt(spectrum(d, L))
    axes = tuple(range(1, d + 1))
    shape = (batch // 2,) + (L,) * d

    def draw():
        w = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        z = np.fft.ifftn(amp * w, axes=axes, norm="ortho")
        return np.concatenate([z.real, z.imag])

    return draw


def median_rate(draw, batch, repeats):
    draw()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        draw()
        times.append(time.perf_counter() - t0)
    return batch / sorted(times)[len(times) // 2]


def main():
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 7
    batch = 64
    rng = np.random.default_rng(1)
    results = []
    print(f"{'size':<12} {'variant':<16} {'samples/s':>12}")
    for d, L in [(2, 256), (3, 64)]:
        for name, make in [("rfft", sampler_rfft), ("complex-pairs", sampler_complex_pairs)]:
            rate = median_rate(make(d, L, batch, rng), batch, repeats)
            print(f"d={d} L={L:<6} {name:<16} {rate:12.1f}")
            results.append({"d": d, "L": L, "variant": name, "samples_per_second": round(rate, 2)})
    print(json.dumps({"implementation": "numpy " + np.__version__, "threads": 1, "batch": batch,
                      "repeats": repeats, "results": results}))


if __name__ == "__main__":
    main()
