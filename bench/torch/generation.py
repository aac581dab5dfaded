#!/usr/bin/python3
"""PyTorch peer of CritDiff's generation benchmark (issue 14): d = 2, L = 128, K = 100 reverse-SDE steps, a batch
of 256, a 16-slice one-layer (full-kernel convolution) score model, VP process (f = -1, g^2 = 2), slices log-spaced in
[1e-3, T] with T = 0.5 ln(1 + 1000 chi) as CritDiff's auto final time, xi/L = 1/4.

What a PyTorch user would write: the one-layer score is a circular convolution with an L x L kernel per slice, applied
through torch.fft (rfft2, multiply by the slice's precomputed transfer function, irfft2) at every step; the step is the
exponential integrator of the linear drift, y <- e^h y + g^2 (e^h - 1) s(y) + sqrt(g^2 (e^{2h} - 1) / 2) xi, the same
update as CritDiff's real-space `sde-exp` (RealSpaceSampler). Noise from torch.randn. The kernels are a scaled delta
(the cost does not depend on trained values). Prints samples/s per (dtype, threads), median of repeats, and one JSON
line. For the fairest PyTorch numbers run it with glibc's allocator kept from returning memory to the system
(docs/performance.md: MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_).
Usage: /usr/bin/python3 bench/torch/generation.py [--repeats 5] [--L 128] [--batch 256] [--steps 100]
"""
import argparse
import json
import math
import statistics
import time

import torch

from population_step import spectrum


def susceptibility(L):
    """chi = C(0) of the free field at xi/L = 1/4, from population_step.py's spectrum."""
    return spectrum(L, torch.float64)[0, 0].item()


def run(L, batch, steps, slices, dtype_name, threads, repeats, seed):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    dtype = getattr(torch, dtype_name)
    chi = susceptibility(L)
    t_min, t_max = 1e-3, 0.5 * math.log(1 + 1000 * chi)
    times = torch.logspace(math.log10(t_min), math.log10(t_max), slices, dtype=torch.float64)
    kernels = torch.zeros(slices, L, L, dtype=dtype)
    kernels[:, 0, 0] = -0.5
    transfer = torch.fft.rfft2(kernels)                      # per-slice transfer functions of the circular convolution
    h = (t_max - t_min) / steps
    gain, weight, noise = math.exp(h), 2 * math.expm1(h), math.sqrt(math.expm1(2 * h))
    log_times = torch.log(times)

    def generate():
        y = torch.randn(batch, L, L, dtype=dtype) * math.sqrt(-math.expm1(-2 * t_max))
        for step in range(steps):
            t = t_max - step * h
            j = int(torch.argmin(torch.abs(log_times - math.log(t))))
            s = torch.fft.irfft2(torch.fft.rfft2(y) * transfer[j], s=(L, L))
            y = gain * y + weight * s + noise * torch.randn_like(y)
        return y

    generate()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        y = generate()
        runs.append(batch / (time.perf_counter() - start))
    assert torch.isfinite(y).all()
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--L", type=int, default=128)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--slices", type=int, default=16)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--dtype", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        for dtype in args.dtype.split(","):
            rate = run(args.L, args.batch, args.steps, args.slices, dtype, threads, args.repeats, args.seed)
            rows.append({"threads": threads, "dtype": dtype, "samples_per_second": rate})
            print(f"pytorch generation one-layer L={args.L} K={args.steps} batch={args.batch} {dtype} threads={threads}: "
                  f"{rate:8.1f} samples/s", flush=True)
    print(json.dumps({"bench": "generation-torch", "torch": torch.__version__, "L": args.L, "steps": args.steps,
                      "batch": args.batch, "results": rows}))


if __name__ == "__main__":
    main()
