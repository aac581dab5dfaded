#!/usr/bin/python3
"""CritDiff against PyTorch for the empirical SGD step of issue 3, back to back on the same machine.

Each round runs the C# quick mode (`training-step`, medians over --repeats) and then this directory's
PyTorch step (training_step.py, same repeats) for one-layer and two-layer-local:1, d = 2, L = 64,
B = 64, t = 0.1, with torch.set_num_threads 1 and 2 and float32/float64. The table reports, per
configuration, the median over rounds of the per-round medians, and the ratio PyTorch / CritDiff
(both CritDiff minibatch samplers, one thread, against PyTorch's fastest setting, and like for like; the trainer uses wishart for fresh samples).

Usage, from the repository root (python3-torch from apt; build the benchmarks first):
  dotnet build -c Release bench/CritDiff.Benchmarks
  /usr/bin/python3 bench/torch/compare_training_step.py --rounds 3 --repeats 7
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training_step  # noqa: E402

DLL = "bench/CritDiff.Benchmarks/bin/Release/net10.0/CritDiff.Benchmarks.dll"


def run_csharp(repeats):
    out = subprocess.run(["dotnet", DLL, "training-step", "--repeats", str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return {(r["step"], r["arch"], r["sampler"], r["threads"]): r["ms_per_step"] for r in json.loads(line)["results"]}


def run_torch(repeats, steps):
    args = argparse.Namespace(L=64, batch=64, t=0.1, ratio=0.25, full_conv="fft", lr=None,
                              repeats=repeats, steps=steps, warmup=5, seed=1)
    rows = {}
    for arch in ("one-layer", "two-layer-local:1"):
        for threads in (1, 2):
            for dtype in ("float32", "float64"):
                rows[(arch, threads, dtype)] = training_step.time_config(args, arch, threads, dtype)["ms_per_step_median"]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20, help="PyTorch steps per repeat")
    args = parser.parse_args()
    cs_rounds, torch_rounds = [], []
    for r in range(args.rounds):
        cs_rounds.append(run_csharp(args.repeats))
        torch_rounds.append(run_torch(args.repeats, args.steps))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    cs = {k: statistics.median(rd[k] for rd in cs_rounds) for k in cs_rounds[0]}
    th = {k: statistics.median(rd[k] for rd in torch_rounds) for k in torch_rounds[0]}

    print(f"Medians over {args.rounds} rounds of medians over {args.repeats} repeats (ms/step; steps/s in brackets)")
    for (step, arch, sampler, threads), ms in cs.items():
        print(f"  critdiff {step:<14} {arch:<18} {sampler:<8} threads={threads}: {ms:9.3f}  ({1e3 / ms:8.1f}/s)")
    for (arch, threads, dtype), ms in th.items():
        print(f"  pytorch  empirical-sgd  {arch:<18} {dtype:<8} threads={threads}: {ms:9.3f}  ({1e3 / ms:8.1f}/s)")
    summary = []
    print("\nRatio PyTorch / CritDiff (empirical SGD step, d=2, L=64, B=64):")
    for arch in ("one-layer", "two-layer-local:1"):
        best_torch = min(th[(arch, t, d)] for t in (1, 2) for d in ("float32", "float64"))
        for sampler in ("direct", "wishart"):
            c1 = cs[("empirical-sgd", arch, sampler, 1)]
            row = {"arch": arch, "sampler": sampler, "critdiff_ms_1thread": c1,
                   "torch_ms_best": best_torch, "ratio_vs_best_torch": best_torch / c1,
                   "ratio_float64_1thread": th[(arch, 1, "float64")] / c1,
                   "ratio_float32_1thread": th[(arch, 1, "float32")] / c1,
                   "ratio_float32_2threads": th[(arch, 2, "float32")] / c1}
            summary.append(row)
            print(f"  {arch:<18} {sampler:<8} critdiff 1 thread {c1:7.3f} ms; torch best {best_torch:7.3f} ms -> "
                  f"{row['ratio_vs_best_torch']:5.1f}x (f64 1t {row['ratio_float64_1thread']:5.1f}x, "
                  f"f32 1t {row['ratio_float32_1thread']:5.1f}x, f32 2t {row['ratio_float32_2threads']:5.1f}x)")
    print(json.dumps({"bench": "training-step-comparison", "rounds": args.rounds, "repeats": args.repeats,
                      "critdiff": [dict(zip(("step", "arch", "sampler", "threads"), k), ms_per_step=v) for k, v in cs.items()],
                      "torch": [dict(zip(("arch", "threads", "dtype"), k), ms_per_step=v) for k, v in th.items()],
                      "ratios": summary}))


if __name__ == "__main__":
    main()
