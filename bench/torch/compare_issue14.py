#!/usr/bin/python3
"""Issue 14's PyTorch comparisons, interleaved so that machine load affects both sides alike: for each round, CritDiff's
quick mode then the PyTorch peer, for (1) the population GD step (one-layer, kernel basis, d = 2, L = 256, 16 slices;
bench/torch/population_step.py), CritDiff's both through the network (two FFTs per slice: population_ms) and as
`critdiff train` takes it, on the multipliers (population_trainer_ms), and (2) generation (one-layer, d = 2, L = 128, K = 100, batch 256;
bench/torch/generation.py), CritDiff's generation both by its per-mode sampler for linear scores and, like for like
with the peer, by the general real-space sampler (generation_real_space). PyTorch runs with glibc's allocator kept from returning memory to the system
(MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_), its fastest setting here (3-4x faster than the default allocator on
the population step), and with the defaults when --default-allocator is given. Prints medians over rounds and the ratios
(PyTorch time / CritDiff time: > 1 means CritDiff is faster) per thread count and best against best, then one JSON line.
Usage: /usr/bin/python3 bench/torch/compare_issue14.py [--rounds 3] [--default-allocator]
Needs the Release benchmark build: dotnet build -c Release bench/CritDiff.Benchmarks
"""
import argparse
import json
import os
import statistics
import subprocess

BENCH = ["dotnet", "bench/CritDiff.Benchmarks/bin/Release/net10.0/CritDiff.Benchmarks.dll"]
TUNED = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "68719476736"}


def last_json(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--default-allocator", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ) if args.default_allocator else {**os.environ, **TUNED}
    series = {}

    def add(key, value):
        series.setdefault(key, []).append(value)

    for _ in range(args.rounds):
        for row in last_json(BENCH + ["population-step", "--repeats", "5"])["results"]:
            if row["sampler"] == "-":
                add(("population_ms", "critdiff", row["threads"]), row["ms_per_step"])
            elif row["sampler"] == "trainer":
                add(("population_trainer_ms", "critdiff", row["threads"]), row["ms_per_step"])
        for row in last_json(["/usr/bin/python3", "bench/torch/population_step.py", "--repeats", "5"], env)["results"]:
            if row["dtype"] == "float32":
                add(("population_ms", "torch", row["threads"]), row["ms_per_step"])
                add(("population_trainer_ms", "torch", row["threads"]), row["ms_per_step"])
        for row in last_json(BENCH + ["generation-throughput", "--repeats", "3"])["results"]:
            if row["arch"] == "one-layer" and row.get("sampler") == "real-space":
                add(("generation_real_space_per_s", "critdiff", row["threads"]), row["samples_per_second"])
            elif row["arch"] == "one-layer":
                add(("generation_per_s", "critdiff", row["threads"]), row["samples_per_second"])
        for row in last_json(["/usr/bin/python3", "bench/torch/generation.py", "--repeats", "3", "--dtype", "float32"], env)["results"]:
            add(("generation_per_s", "torch", row["threads"]), row["samples_per_second"])
            add(("generation_real_space_per_s", "torch", row["threads"]), row["samples_per_second"])
    medians = {key: statistics.median(values) for key, values in series.items()}
    result = {"rounds": args.rounds, "allocator": "default" if args.default_allocator else "tuned", "rows": []}
    for quantity in ("population_ms", "population_trainer_ms", "generation_per_s", "generation_real_space_per_s"):
        lower_better = quantity.endswith("_ms")
        ours = {t: v for (q, side, t), v in medians.items() if q == quantity and side == "critdiff"}
        theirs = {t: v for (q, side, t), v in medians.items() if q == quantity and side == "torch"}
        for t in sorted(ours):
            if t in theirs:
                ratio = theirs[t] / ours[t] if lower_better else ours[t] / theirs[t]
                result["rows"].append({"quantity": quantity, "threads": t, "critdiff": ours[t], "torch": theirs[t], "ratio": ratio})
                print(f"{quantity:18} threads={t}: CritDiff {ours[t]:9.2f}  PyTorch {theirs[t]:9.2f}  ratio {ratio:5.2f}x")
        best_ours = min(ours.values()) if lower_better else max(ours.values())
        best_theirs = min(theirs.values()) if lower_better else max(theirs.values())
        ratio = best_theirs / best_ours if lower_better else best_ours / best_theirs
        result["rows"].append({"quantity": quantity, "threads": "best", "critdiff": best_ours, "torch": best_theirs, "ratio": ratio})
        print(f"{quantity:18} best vs best: CritDiff {best_ours:9.2f}  PyTorch {best_theirs:9.2f}  ratio {ratio:5.2f}x")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
