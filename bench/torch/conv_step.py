#!/usr/bin/python3
"""PyTorch peer of the C# quick mode "conv-step" (issue 12), as a competent PyTorch user would write it.

NOT RUN HERE: PyTorch is not installable on the development machine (no Debian package, not on its pip mirror), so
this script has not been executed; it was written against the documented torch API (torch.nn.Conv2d with
padding_mode="circular", torch.optim.Adam, torch.set_num_threads). Run it where torch is available, e.g.
  python3 bench/torch/conv_step.py --threads 1,2 --dtype float32,float64
and compare its JSON lines with `dotnet run -c Release --project bench/CritDiff.Benchmarks -- conv-step`.
(Update, issue 22: the note above is out of date. PyTorch 1.13 is installed from Debian (bench/torch/install.sh), and
this script runs unchanged with /usr/bin/python3 (checked 2026-12-06; its numbers are in docs/performance.md, issue 12).)

The step (identical work to bench/CritDiff.Benchmarks/ConvStepTimes.cs and bench/c/conv_step.c):
  network conv:8:1:tanh, n = 1, d = 2:  s = Kout * tanh(K1 * x + b1) + K0 * x, 3x3 periodic kernels, C = 8 hidden
    channels, K1 with bias, Kout and K0 (the local linear skip) without; start K1 ~ N(0, 1/9), b1 = 0, Kout = 0,
    K0 = -(1/S_max) delta with S_max = a^2 + b^2 (white-noise data of unit variance);
  x_t = a x0 + b z, x0 fixed N(0, 1) data [B, 1, L, L], t = 0.1, VP a = exp(-t), b^2 = 1 - exp(-2t), z cycling
    through a pool of 4 pre-drawn batches (the generator is not timed, as in the C# and C versions);
  loss = mean over batch and sites of (s + z/b)^2 (its gradient is the C# upstream 2 (s + z/b)/(B V));
  loss.backward(); Adam step (lr 1e-3).
Conventions: PyTorch's Conv2d is a cross-correlation, sum_e K[e] h(x + e) with e = (ky - 1, kx - 1): the same
convention as ConvScoreNetwork, so kernels carry over without flipping.
Generation: samples per second of 100 Euler-Maruyama steps of the VP reverse SDE, dy = [y + 2 s(y)] dtau +
sqrt(2 dtau) xi, dtau = 1/100, batch 64, under torch.no_grad().
Prints a table of medians over repeats and one JSON line per configuration.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn


class ConvScore(nn.Module):
    """s = Kout * tanh(K1 * x + b1) + K0 * x with circular 3x3 (range r) convolutions."""

    def __init__(self, channels, r, s_max):
        super().__init__()
        k = 2 * r + 1
        self.hidden = nn.Conv2d(1, channels, k, padding=r, padding_mode="circular", bias=True)
        self.out = nn.Conv2d(channels, 1, k, padding=r, padding_mode="circular", bias=False)
        self.skip = nn.Conv2d(1, 1, k, padding=r, padding_mode="circular", bias=False)
        with torch.no_grad():
            self.hidden.weight.normal_(0.0, 1.0 / math.sqrt(k * k))  # fan_in = 1 * (2r+1)^2
            self.hidden.bias.zero_()
            self.out.weight.zero_()
            self.skip.weight.zero_()
            self.skip.weight[0, 0, r, r] = -1.0 / s_max

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x))) + self.skip(x)


def median_ms(call, repeats, seconds):
    """Median over repeats of ms per call; each repeat runs about `seconds` after a warm-up."""
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 0.5 or calls < 2:
        call()
        calls += 1
    per_repeat = max(1, int(calls * seconds / (time.perf_counter() - start)))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(per_repeat):
            call()
        times.append((time.perf_counter() - t0) / per_repeat * 1e3)
    return statistics.median(times)


class TrainStep:
    def __init__(self, length, batch, dtype, pool=4, t=0.1, lr=1e-3, channels=8, r=1):
        gen = torch.Generator().manual_seed(12)
        self.a = math.exp(-t)
        self.b = math.sqrt(-math.expm1(-2 * t))
        self.net = ConvScore(channels, r, self.a ** 2 + self.b ** 2).to(dtype)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=lr)
        shape = (batch, 1, length, length)
        self.x0 = torch.randn(shape, generator=gen, dtype=dtype)
        self.noise = [torch.randn(shape, generator=gen, dtype=dtype) for _ in range(pool)]
        self.calls = 0

    def __call__(self):
        z = self.noise[self.calls % len(self.noise)]
        self.calls += 1
        xt = self.a * self.x0 + self.b * z
        self.opt.zero_grad(set_to_none=True)
        loss = (self.net(xt) + z / self.b).pow(2).mean()
        loss.backward()
        self.opt.step()
        return loss


class Generate:
    def __init__(self, length, batch, dtype, steps=100, channels=8, r=1):
        self.net = ConvScore(channels, r, 1.0).to(dtype)
        with torch.no_grad():
            self.net.out.weight.normal_(0.0, 0.05)  # non-trivial output kernel, as in the C# mode
        self.shape, self.dtype, self.steps = (batch, 1, length, length), dtype, steps

    @torch.no_grad()
    def __call__(self):
        dtau = 1.0 / self.steps
        noise_scale = math.sqrt(2 * dtau)
        y = torch.randn(self.shape, dtype=self.dtype)
        for _ in range(self.steps):
            y = y + dtau * (y + 2 * self.net(y)) + noise_scale * torch.randn_like(y)
        return y


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", default="32,64")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--dtype", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    dtypes = {"float32": torch.float32, "float64": torch.float64}
    print(f"{'what':<12} {'dtype':<8} {'L':>4} {'threads':>7} {'ms':>10} {'samples/s':>10}")
    for name in args.dtype.split(","):
        dtype = dtypes[name]
        for length in (int(v) for v in args.lengths.split(",")):
            for threads in (int(v) for v in args.threads.split(",")):
                torch.set_num_threads(threads)
                ms = median_ms(TrainStep(length, args.batch, dtype), args.repeats, 1.0)
                print(f"{'train-step':<12} {name:<8} {length:>4} {threads:>7} {ms:>10.3f} {'':>10}")
                print(json.dumps({"implementation": "torch", "bench": "conv-step", "what": "train-step", "arch": "conv:8:1:tanh",
                                  "dtype": name, "L": length, "batch": args.batch, "threads": threads, "ms_per_step": round(ms, 4),
                                  "torch_version": torch.__version__}))
                ms = median_ms(Generate(length, args.batch, dtype), max(3, args.repeats // 2), 1.0)
                rate = args.batch / (ms / 1e3)
                print(f"{'generate':<12} {name:<8} {length:>4} {threads:>7} {ms:>10.1f} {rate:>10.1f}")
                print(json.dumps({"implementation": "torch", "bench": "conv-step", "what": "generate", "arch": "conv:8:1:tanh",
                                  "dtype": name, "L": length, "batch": args.batch, "threads": threads, "steps": 100,
                                  "ms_per_batch": round(ms, 2), "samples_per_second": round(rate, 2),
                                  "torch_version": torch.__version__}))


if __name__ == "__main__":
    main()
