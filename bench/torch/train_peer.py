#!/usr/bin/python3
"""PyTorch peer of two whole `critdiff train` runs (issue 14, "whole train processes"), as a PyTorch user would write them.

The issue compares the wall time of the whole process, import and start-up included, so this script does
only what the run needs: import torch, build the spectrum, train, print one JSON line.

Workloads (d = 2 Gaussian field at xi/L = 1/4, VP noising at t = 0.1, batch 64, SGD on the DSM loss
mean over batch and sites of (s(x_t) + z/b)^2, fresh exact samples every step drawn as the inverse rfft2 of
rfft2(white noise) x sqrt(C(k)); model, spectrum and sampling from training_step.py in this directory):

  converge  one-layer (full L x L circular convolution through torch.fft) at L = 32, from K = 0, at
            critdiff's automatic rate 0.5 x 2/lambda_max = 0.005847970065632182 (printed as "lr" by its
            --json), until the population excess loss over the exact optimum,
            (1/V) sum_k S(k) |m(k) + 1/S(k)|^2 with m = fft2(K) and S = a^2 C + b^2, is at most
            eps = 0.01 times its initial value, evaluated after every step as critdiff does. Peer of
              ./critdiff train --d 2 --L 32 --xi-over-L 0.25 --t 0.1 --arch one-layer --mode empirical --batch 64 --json
  fixed     two-layer-local:1 (two 3x3 conv2d with circular padding, no bias, balanced start
            K1 = c delta, K2 = -c delta, c^2 = 1/S_max) at L = 64, 200 SGD steps at rate 0.05 (the rate
            `critdiff reproduce` uses for this network under SGD; the auto rate diverges with batch 64),
            then one evaluation of the population loss. Peer of
              ./critdiff train --d 2 --L 64 --xi-over-L 0.25 --t 0.1 --arch two-layer-local:1 --mode empirical \
                  --batch 64 --lr 0.05 --max-steps 200 --eps 1e-9 --json

Usage (Debian: apt-get install -y python3-torch); time the whole process from outside, e.g.
  /usr/bin/time -f %e /usr/bin/python3 bench/torch/train_peer.py converge --threads 1 --dtype float32
  MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736 \
      /usr/bin/python3 bench/torch/train_peer.py fixed --threads 2
(glibc's default allocator mmaps and unmaps PyTorch's large buffers on every step; the two variables keep them
in the heap, 3-4x faster on the development machine). bench/torch/compare_train.py runs both sides interleaved.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training_step  # noqa: E402

WORKLOADS = {
    "converge": {"arch": "one-layer", "L": 32, "lr": 0.005847970065632182, "max_steps": 100_000},
    "fixed": {"arch": "two-layer-local:1", "L": 64, "lr": 0.05, "max_steps": 200},
}


def population_terms(length, t, ratio):
    """S(k) = a^2 C(k) + b^2 on the full spectrum (float64) and 1/b^2."""
    _, full = training_step.spectrum(length, ratio, torch.float64)
    a2, b2 = math.exp(-2 * t), -math.expm1(-2 * t)
    return a2 * full + b2, 1 / b2


def one_layer_excess(kernel, signal):
    """Population excess loss of s = K * x over the exact optimum m = -1/S: (1/V) sum_k S |m + 1/S|^2."""
    m = torch.fft.fft2(kernel.detach().to(torch.float64))
    return float((signal * (m + 1 / signal).abs() ** 2).mean())


def local_population_loss(step, signal, inverse_b2):
    """Population loss (1/V) sum_k (S |m|^2 + 2 Re m) + 1/b^2 of the two-layer conv2d network (m: its multiplier)."""
    length = signal.shape[-1]
    delta = torch.zeros(1, 1, length, length, dtype=step.k1.dtype)
    delta[0, 0, 0, 0] = 1
    with torch.no_grad():
        m = torch.fft.fft2(step.score(delta)[0, 0].to(torch.float64))  # response to a point source
    return float((signal * m.abs() ** 2 + 2 * m.real).mean() + inverse_b2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--t", type=float, default=0.1)
    parser.add_argument("--ratio", type=float, default=0.25, help="xi / L")
    parser.add_argument("--eps", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = WORKLOADS[args.workload]
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    start = time.perf_counter()
    step = training_step.Step(work["arch"], work["L"], args.batch, args.t, args.ratio, getattr(torch, args.dtype),
                              "fft", work["lr"])
    signal, inverse_b2 = population_terms(work["L"], args.t, args.ratio)
    result = {"workload": args.workload, "arch": work["arch"], "L": work["L"], "batch": args.batch,
              "lr": work["lr"], "threads": args.threads, "dtype": args.dtype}
    if args.workload == "converge":
        initial = excess = one_layer_excess(step.kernel, signal)
        steps = 0
        while excess > args.eps * initial and steps < work["max_steps"]:
            step()
            steps += 1
            excess = one_layer_excess(step.kernel, signal)
        result.update(steps=steps, converged=excess <= args.eps * initial, initial_excess=initial, final_excess=excess)
    else:
        for _ in range(work["max_steps"]):
            step()
        result.update(steps=work["max_steps"], final_population_loss=local_population_loss(step, signal, inverse_b2))
    result["train_seconds"] = time.perf_counter() - start
    print(json.dumps(result))


if __name__ == "__main__":
    main()
