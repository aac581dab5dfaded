#!/usr/bin/python3
"""PyTorch peer of the C# quick mode "unet-step" (issue 22): CritDiff's U-Net `unet:C:levels` (docs/architecture.md)
as a competent PyTorch user writes it.

Network unet:32:3, n = 1, d = 2, NCHW tensors [B, 1, L, L]:
  embedding of c = log sigma(t): E = 2 max(4, C/2) sinusoids [sin(w_k c), cos(w_k c)], w_k = 1000^(k/(E/2 - 1)) / 10,
    then nn.Linear(E, C) and SiLU: e (C values per sample), shared by the blocks;
  lift: Conv2d(1, C, 3, padding=1, padding_mode="circular") with bias;
  residual block on h: h + conv2(silu(film(conv1(silu(h))))), conv1/conv2 Conv2d(C, C, 3, circular, bias), FiLM per
    block: nn.Linear(C, 2C) of e -> (scale, shift), u -> (1 + scale) u + shift;
  encoder: per level a block, keep the skip, F.avg_pool2d(2); bottleneck block; decoder: F.interpolate(scale_factor=2,
    mode="nearest"), add the skip, a block; output: silu, Conv2d(C, 1, 3, circular, no bias), zero-initialised.
FLOPs of one forward pass per sample (multiply-add = 2): 2 * 9 * C^2 * V_l per C -> C conv at V_l = V / 4^l (4 per level,
  2 in the bottleneck), plus 2 * 2 * 9 * C * V for lift and output; a training step counts 3x the forward pass
  (backward ~ 2x forward), as the C# mode does.

Training step (DSM, VE with a noise range, t drawn per sample): sigma(t) = sigma_min (sigma_max / sigma_min)^t,
  sigma_min = 0.01, sigma_max = 10, t ~ U(0, 1) per sample; x_t = x0 + sigma z (x0 fixed N(0, 1) data); score =
  net(x_t, log sigma) / sigma; loss = mean of sigma^2 |score + z / sigma|^2 = mean |net + z|^2 (weighting lambda = b^2);
  loss.backward(); torch.optim.Adam(lr=1e-3).step(). z and t cycle through a pool of 4 pre-drawn batches (the
  generator is not timed, as in the C# mode).
Generation step: one Euler-Maruyama step of the VE reverse SDE on a batch under torch.no_grad(), at t = 0.5:
  y <- y + g^2 s(y, t) dt + g sqrt(dt) xi, g^2 = 2 sigma^2 ln(sigma_max / sigma_min), dt = 1/100, xi from a pool.
  The output conv is set to small random weights first (as after training).

Threads: torch.set_num_threads(T) for each T of --threads; dtypes float32 and float64. Each configuration is timed as
medians over --repeats repeats of about --seconds each (at least one call) after a 0.5 s warm-up (at least one call):
wall ms and process CPU ms per step (CPU time is the fair single-thread figure when other jobs share the cores). Prints a table and one JSON
line per configuration. PyTorch on this machine runs fastest with glibc's allocator kept from returning memory
(MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736; docs/performance.md, issue 14).
Usage: /usr/bin/python3 bench/torch/unet_step.py [--lengths 32,64] [--threads 1,2] [--dtype float32,float64]
       [--channels 32] [--levels 3] [--batch 64] [--repeats 5] [--seconds 1] [--check]
--check runs a finite-difference check of the network's embedding and shapes on a tiny lattice instead of timing.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SIGMA_MIN, SIGMA_MAX = 0.01, 10.0


def forward_flops(channels, levels, length, components=1, d=2):
    """FLOPs of one forward pass per sample, counted as in UNET-SPEC.md."""
    kernel = 3 ** d
    volume = length ** d
    total = 2 * 2 * kernel * components * channels * volume  # lift and output
    for level in range(levels):
        total += 4 * 2 * kernel * channels * channels * volume // (2 ** (d * level))
    total += 2 * 2 * kernel * channels * channels * volume // (2 ** (d * levels))
    return total


class Embedding(nn.Module):
    def __init__(self, channels):
        super().__init__()
        half = max(4, channels // 2)
        k = torch.arange(half, dtype=torch.float64)
        self.register_buffer("w", torch.exp(k * math.log(1000.0) / (half - 1)) / 10.0)
        self.dense = nn.Linear(2 * half, channels)

    def forward(self, c):
        arg = c[:, None] * self.w.to(c.dtype)[None, :]
        return F.silu(self.dense(torch.cat([torch.sin(arg), torch.cos(arg)], dim=1)))


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, padding_mode="circular")
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, padding_mode="circular")
        self.film = nn.Linear(channels, 2 * channels)

    def forward(self, h, e):
        scale, shift = self.film(e)[:, :, None, None].chunk(2, dim=1)
        u = self.conv1(F.silu(h))
        return h + self.conv2(F.silu((1 + scale) * u + shift))


class UNet(nn.Module):
    def __init__(self, channels, levels, components=1):
        super().__init__()
        self.levels = levels
        self.embed = Embedding(channels)
        self.lift = nn.Conv2d(components, channels, 3, padding=1, padding_mode="circular")
        self.down = nn.ModuleList(Block(channels) for _ in range(levels))
        self.mid = Block(channels)
        self.up = nn.ModuleList(Block(channels) for _ in range(levels))
        self.out = nn.Conv2d(channels, components, 3, padding=1, padding_mode="circular", bias=False)
        nn.init.zeros_(self.out.weight)

    def forward(self, x, c):
        e = self.embed(c)
        h = self.lift(x)
        skips = []
        for block in self.down:
            h = block(h, e)
            skips.append(h)
            h = F.avg_pool2d(h, 2)
        h = self.mid(h, e)
        for block, skip in zip(reversed(self.up), reversed(skips)):
            h = block(F.interpolate(h, scale_factor=2, mode="nearest") + skip, e)
        return self.out(F.silu(h))


def median_ms(call, repeats, seconds):
    """Medians over repeats of wall and process CPU ms per call; each repeat runs about `seconds` (at least one call)
    after a warm-up of 0.5 s (at least one call)."""
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 0.5 or calls < 1:
        call()
        calls += 1
    per_repeat = max(1, int(calls * seconds / (time.perf_counter() - start)))
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(per_repeat):
            call()
        walls.append((time.perf_counter() - t0) / per_repeat * 1e3)
        cpus.append((time.process_time() - c0) / per_repeat * 1e3)
    return statistics.median(walls), statistics.median(cpus)


def sigma_of(t):
    return SIGMA_MIN * (SIGMA_MAX / SIGMA_MIN) ** t


class TrainStep:
    def __init__(self, channels, levels, length, batch, dtype, pool=4, lr=1e-3):
        gen = torch.Generator().manual_seed(12)
        torch.manual_seed(12)
        self.net = UNet(channels, levels).to(dtype)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=lr)
        shape = (batch, 1, length, length)
        self.x0 = torch.randn(shape, generator=gen, dtype=dtype)
        self.noise = [torch.randn(shape, generator=gen, dtype=dtype) for _ in range(pool)]
        self.sigmas = [sigma_of(torch.rand(batch, generator=gen, dtype=dtype)) for _ in range(pool)]
        self.calls = 0

    def __call__(self):
        k = self.calls % len(self.noise)
        self.calls += 1
        z, sigma = self.noise[k], self.sigmas[k]
        xt = self.x0 + sigma[:, None, None, None] * z
        self.opt.zero_grad(set_to_none=True)
        # sigma^2 |net / sigma + z / sigma|^2 = |net + z|^2: the b^2-weighted DSM loss with output scaling 1 / b
        loss = (self.net(xt, torch.log(sigma)) + z).pow(2).mean()
        loss.backward()
        self.opt.step()
        return loss


class GenerateStep:
    def __init__(self, channels, levels, length, batch, dtype, pool=4, t=0.5, dt=0.01):
        gen = torch.Generator().manual_seed(13)
        torch.manual_seed(13)
        self.net = UNet(channels, levels).to(dtype)
        with torch.no_grad():
            self.net.out.weight.normal_(0.0, 0.05, generator=gen)  # non-trivial output, as after training
        shape = (batch, 1, length, length)
        sigma = sigma_of(t)
        self.sigma, self.dt = sigma, dt
        self.g2 = 2 * sigma * sigma * math.log(SIGMA_MAX / SIGMA_MIN)
        self.c = torch.full((batch,), math.log(sigma), dtype=dtype)
        self.y = sigma * torch.randn(shape, generator=gen, dtype=dtype)
        self.noise = [torch.randn(shape, generator=gen, dtype=dtype) for _ in range(pool)]
        self.calls = 0

    @torch.no_grad()
    def __call__(self):
        xi = self.noise[self.calls % len(self.noise)]
        self.calls += 1
        score = self.net(self.y, self.c) / self.sigma
        # the state is not carried over (every call steps from the same y): a step's cost, not a trajectory
        return self.y + self.g2 * self.dt * score + math.sqrt(self.g2 * self.dt) * xi


def check():
    """Shapes, the zero output at start and translation equivariance on a tiny lattice; prints the parameter count."""
    torch.manual_seed(0)
    net = UNet(4, 2).double()
    x = torch.randn(3, 1, 8, 8, dtype=torch.float64)
    c = torch.randn(3, dtype=torch.float64)
    out = net(x, c)
    assert out.shape == x.shape and float(out.abs().max()) == 0.0
    nn.init.normal_(net.out.weight, 0.0, 0.1)
    # translation equivariance under shifts by 2^levels
    shifted = net(torch.roll(x, shifts=(4, 4), dims=(2, 3)), c)
    assert torch.allclose(shifted, torch.roll(net(x, c), shifts=(4, 4), dims=(2, 3)), atol=1e-12)
    print(json.dumps({"check": "ok", "parameters": sum(p.numel() for p in net.parameters()),
                      "forward_flops_unet_32_3_L32": forward_flops(32, 3, 32)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", default="32,64")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--levels", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--dtype", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one repeat (at least one call)")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        check()
        return
    dtypes = {"float32": torch.float32, "float64": torch.float64}
    arch = f"unet:{args.channels}:{args.levels}"
    print(f"{'what':<12} {'dtype':<8} {'L':>4} {'threads':>7} {'ms':>10} {'cpu ms':>10} {'GFLOP/s':>8}")
    for length in (int(v) for v in args.lengths.split(",")):
        flops = forward_flops(args.channels, args.levels, length) * args.batch
        for name in args.dtype.split(","):
            dtype = dtypes[name]
            for threads in (int(v) for v in args.threads.split(",")):
                torch.set_num_threads(threads)
                for what, make, factor in (("train-step", TrainStep, 3), ("generate-step", GenerateStep, 1)):
                    ms, cpu = median_ms(make(args.channels, args.levels, length, args.batch, dtype), args.repeats, args.seconds)
                    gflops = factor * flops / (ms * 1e-3) * 1e-9
                    print(f"{what:<12} {name:<8} {length:>4} {threads:>7} {ms:>10.2f} {cpu:>10.2f} {gflops:>8.2f}", flush=True)
                    print(json.dumps({"implementation": "torch", "bench": "unet-step", "what": what, "arch": arch, "d": 2,
                                      "dtype": name, "L": length, "batch": args.batch, "threads": threads,
                                      "ms_per_step": round(ms, 4), "cpu_ms_per_step": round(cpu, 4), "gflops": round(gflops, 3),
                                      "forward_flops_per_sample": flops // args.batch,
                                      "torch_version": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
