#!/usr/bin/python3
"""PyTorch reference for one empirical SGD step, as a PyTorch user would write it.

The C# side (bench/CritDiff.Benchmarks, quick mode "training-step") computes the same step in closed
form from per-mode minibatch moments; this script is the comparison the issue asks for (issue 3,
"Performance"): autograd on real-space tensors [B, 1, L, L].

One step, d = 2:
  x0 ~ N(0, C) exact, drawn with torch.fft from C(k) = 1/(beta (khat2(k) + mu2)), mu2 = 1/xi^2,
     xi = ratio * L, beta from the gap equation beta = (1/V) sum_k 1/(khat2 + mu2) (as GaussianField);
  z ~ N(0, 1); x_t = a x0 + b z with VP a = exp(-t), b^2 = 1 - exp(-2t);
  s = network(x_t); loss = mean over batch and sites of (s + z/b)^2; loss.backward(); SGD step.
Networks:
  one-layer          circular convolution with a full L x L kernel, via rfft2/irfft2 (default) or
                     conv2d with circular padding (--full-conv conv2d, O(V^2) per sample: slow);
  two-layer-local:1  two 3x3 conv2d layers with circular padding, no bias.

Usage (Debian: apt-get install -y python3-torch):
  /usr/bin/python3 bench/torch/training_step.py --arch one-layer --threads 1
  /usr/bin/python3 bench/torch/training_step.py --arch all --threads 1,2 --dtype float32,float64
Prints a table of medians over repeats and one JSON line per configuration.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F


def spectrum(length, ratio, dtype):
    """C(k) on the rfft2 half spectrum [L, L//2+1] and the full one, as GaussianField.SpectrumTable."""
    n = torch.arange(length, dtype=torch.float64)
    khat2_1d = 4 * torch.sin(math.pi * n / length) ** 2
    khat2 = khat2_1d[:, None] + khat2_1d[None, :]
    mu2 = 1 / (ratio * length) ** 2
    beta = (1 / (khat2 + mu2)).mean()
    full = 1 / (beta * (khat2 + mu2))
    return full[:, : length // 2 + 1].to(dtype), full


class Step:
    """Holds parameters, optimizer and the exact-sample amplitude for one configuration."""

    def __init__(self, arch, length, batch, t, ratio, dtype, full_conv, lr):
        self.arch, self.length, self.batch, self.dtype, self.full_conv = arch, length, batch, dtype, full_conv
        self.a = math.exp(-t)
        self.b = math.sqrt(-math.expm1(-2 * t))
        half, full = spectrum(length, ratio, dtype)
        self.amplitude = half.sqrt()  # multiplies the rfft2 of real white noise: exact N(0, C) samples
        s_max = float((self.a ** 2 * full + self.b ** 2).max())
        lr = lr if lr is not None else 0.1 / s_max  # as the C# side (bench/CritDiff.Benchmarks/TrainingSteps.cs)
        if arch == "one-layer":
            self.kernel = torch.zeros(length, length, dtype=dtype, requires_grad=True)
            params = [self.kernel]
        elif arch == "two-layer-local:1":
            c = math.sqrt(1 / s_max)  # balanced start K1 = c delta, K2 = -c delta (docs/science.md section 5)
            k1 = torch.zeros(1, 1, 3, 3, dtype=dtype)
            k1[0, 0, 1, 1] = c
            k2 = -k1.clone()
            self.k1, self.k2 = k1.requires_grad_(), k2.requires_grad_()
            params = [self.k1, self.k2]
        else:
            raise SystemExit(f"unknown arch {arch}: use one-layer or two-layer-local:1")
        self.optimizer = torch.optim.SGD(params, lr=lr)

    def sample(self):
        shape = (self.batch, 1, self.length, self.length)
        white = torch.randn(shape, dtype=self.dtype)
        x0 = torch.fft.irfft2(torch.fft.rfft2(white) * self.amplitude, s=shape[-2:])
        z = torch.randn(shape, dtype=self.dtype)
        return self.a * x0 + self.b * z, z

    def score(self, x):
        if self.arch == "one-layer":
            if self.full_conv == "fft":  # (K * x)(x) = sum_y K(y) x(x - y): product of spectra
                return torch.fft.irfft2(torch.fft.rfft2(x) * torch.fft.rfft2(self.kernel), s=x.shape[-2:])
            # conv2d is a cross-correlation: flip the kernel; pad L-1 circularly so the output is L x L.
            w = torch.flip(self.kernel, (0, 1))[None, None]
            pad = self.length - 1
            return F.conv2d(F.pad(x, (pad, 0, pad, 0), mode="circular"), w)
        h = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), self.k1)
        return F.conv2d(F.pad(h, (1, 1, 1, 1), mode="circular"), self.k2)

    def __call__(self):
        xt, z = self.sample()
        loss = ((self.score(xt) + z / self.b) ** 2).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss


def time_config(args, arch, threads, dtype_name):
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    dtype = getattr(torch, dtype_name)
    step = Step(arch, args.L, args.batch, args.t, args.ratio, dtype, args.full_conv, args.lr)
    for _ in range(args.warmup):
        step()
    per_step = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            loss = step()
        float(loss)  # synchronise (CPU: no-op)
        per_step.append((time.perf_counter() - start) / args.steps)
    ms = 1e3 * statistics.median(per_step)
    return {
        "bench": "torch-training-step", "arch": arch, "L": args.L, "batch": args.batch, "t": args.t,
        "threads": threads, "dtype": dtype_name, "full_conv": args.full_conv if arch == "one-layer" else None,
        "repeats": args.repeats, "steps_per_repeat": args.steps, "ms_per_step_median": ms,
        "ms_per_step_min": 1e3 * min(per_step), "ms_per_step_max": 1e3 * max(per_step),
        "steps_per_second": 1e3 / ms, "torch": torch.__version__,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", default="all", help="one-layer, two-layer-local:1 or all")
    parser.add_argument("--L", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--t", type=float, default=0.1)
    parser.add_argument("--ratio", type=float, default=0.25, help="xi / L")
    parser.add_argument("--threads", default="1,2", help="comma-separated torch.set_num_threads values")
    parser.add_argument("--dtype", default="float32,float64", help="comma-separated: float32, float64")
    parser.add_argument("--full-conv", choices=["fft", "conv2d"], default="fft")
    parser.add_argument("--lr", type=float, default=None, help="default 0.1 / S_max, as the C# side")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20, help="steps per repeat")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    archs = ["one-layer", "two-layer-local:1"] if args.arch == "all" else [args.arch]
    rows = [time_config(args, arch, int(th), dt)
            for arch in archs for th in args.threads.split(",") for dt in args.dtype.split(",")]
    print(f"{'arch':<20}{'threads':>8}{'dtype':>9}{'ms/step':>10}{'steps/s':>10}   (median of {args.repeats})")
    for r in rows:
        print(f"{r['arch']:<20}{r['threads']:>8}{r['dtype']:>9}{r['ms_per_step_median']:>10.3f}{r['steps_per_second']:>10.1f}")
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
