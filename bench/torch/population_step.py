#!/usr/bin/python3
"""PyTorch reference for the population GD step of issue 3: full one-layer network, d = 2, L = 256, 16 slices.

What a PyTorch user would write: real-space kernels w[j] (16 x L x L, one per slice) as leaf tensors, the
exact population DSM loss of the linear score s~(k) = m(k) x~(k), m = sqrt(V) DFT[w] (a circular
convolution), per mode E|m x~_t + z~/b|^2 = S(k,t) |m|^2 + 2 Re m + 1/b^2, summed over modes and slices,
gradient by autograd through torch.fft.fft2, then w -= lr grad. Same model as CritDiff's quick mode
(xi/L = 1/4, VP, slices log-spaced in [1e-3, T auto]). Prints the median ms per step over repeats.
Usage: /usr/bin/python3 bench/torch/population_step.py [--repeats 7] [--steps 5]
"""
import argparse
import json
import math
import statistics
import time

import torch


def spectrum(L, dtype):
    k = 2 * math.pi * torch.arange(L, dtype=dtype) / L
    k1 = 4 * torch.sin(k / 2) ** 2
    khat2 = k1[:, None] + k1[None, :]
    mu2 = 1.0 / (0.25 * L) ** 2
    # beta from the gap equation (1/V) sum 1/(khat2 + mu2) = beta; C = 1/(beta (khat2 + mu2))
    beta = (1.0 / (khat2 + mu2)).mean()
    return 1.0 / (beta * (khat2 + mu2))


def time_config(L, slices, threads, dtype, repeats, steps):
    torch.set_num_threads(threads)
    dt = getattr(torch, dtype)
    c = spectrum(L, dt)
    chi = c[0, 0].item()
    t_max = 0.5 * math.log(1 + 1000 * chi)
    times = torch.logspace(math.log10(1e-3), math.log10(t_max), slices, dtype=dt)
    a2 = torch.exp(-2 * times)[:, None, None]
    b2 = 1 - a2
    s = a2 * c + b2                                  # noised spectrum S(k, t), slices x L x L
    w = torch.zeros(slices, L, L, dtype=dt, requires_grad=True)
    lr = (0.25 / s.amax(dim=(1, 2)))[:, None, None] / (L * L)
    root_v = float(L)                                # sqrt(V) for d = 2

    def step():
        m = torch.fft.fft2(w, norm="ortho") * root_v
        loss = (s * (m.real ** 2 + m.imag ** 2) + 2 * m.real).sum()
        loss.backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
            w.grad = None

    for _ in range(3):
        step()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        runs.append(1e3 * (time.perf_counter() - start) / steps)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for threads in (1, 2):
        for dtype in ("float32", "float64"):
            ms = time_config(256, 16, threads, dtype, args.repeats, args.steps)
            rows.append({"threads": threads, "dtype": dtype, "ms_per_step": ms})
            print(f"pytorch population-gd one-layer L=256 16 slices {dtype} threads={threads}: {ms:9.3f} ms/step")
    print(json.dumps({"bench": "population-gd-torch", "torch": torch.__version__, "results": rows}))


if __name__ == "__main__":
    main()
