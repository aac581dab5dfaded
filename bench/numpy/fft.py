#!/usr/bin/env python3
"""NumPy reference for the FFT benchmark (`dotnet run -c Release --project bench/CritDiff.Benchmarks -- fft`).

Times numpy.fft.rfftn (half spectrum) and numpy.fft.fftn (complex input) of one L^d field of float64 at
d = 2, L = 256 and d = 3, L = 64, norm="ortho" like CritDiff's unitary transform, median over repeats.
NumPy's pocketfft runs on one thread. Prints a table and one JSON line.
Run with Debian's python3 (apt-get install python3-numpy): /usr/bin/python3 bench/numpy/fft.py [repeats]
"""
import json
import sys
import time

import numpy as np


def median_seconds(repeats, action, inner):
    action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            action()
        times.append((time.perf_counter() - start) / inner)
    return sorted(times)[repeats // 2]


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    rng = np.random.default_rng(1)
    results = []
    print(f"{'size':<10} {'rfftn us':>10} {'fftn us':>10}")
    for d, L in [(2, 256), (3, 64)]:
        x = rng.random((L,) * d) - 0.5
        z = x.astype(np.complex128)
        inner = max(1, (1 << 22) // L**d)
        real = median_seconds(repeats, lambda: np.fft.rfftn(x, norm="ortho"), inner)
        full = median_seconds(repeats, lambda: np.fft.fftn(z, norm="ortho"), inner)
        print(f"d={d} L={L:<4} {real * 1e6:10.1f} {full * 1e6:10.1f}")
        results.append({"d": d, "L": L, "rfftn_s": real, "fftn_s": full})
    print(json.dumps({"mode": "numpy-fft", "numpy": np.__version__, "repeats": repeats, "results": results}))


if __name__ == "__main__":
    main()
