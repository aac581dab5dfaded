#!/usr/bin/python3
"""Whole-process wall time of `critdiff train` against its PyTorch peer (train_peer.py), interleaved (issue 14).

Each repeat runs, one after the other, every CritDiff variant and every PyTorch configuration of the
"converge" workload, then the same for the "fixed" workload, so that load from other jobs falls on both sides
alike. PyTorch runs with float32 at 1 and 2 threads, with glibc's default allocator and with the tuned one
(MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736: keeps PyTorch's large buffers in the
heap instead of mmapping them every step). Every configuration but the tuned one-thread run is slow on a loaded
2-core machine (two threads spin for a busy core: tens of seconds) and runs only in the first --slow-repeats
repeats. Reports medians of the wall times (time.perf_counter around subprocess.run) and the ratio PyTorch's best
median (tuned allocator, best thread count) / CritDiff's median.

Usage, from the repository root (build once: ./critdiff --help):
  /usr/bin/python3 bench/torch/compare_train.py --repeats 7 --slow-repeats 2
  /usr/bin/python3 bench/torch/compare_train.py --critdiff "./critdiff,dotnet /tmp/jitcli/critdiff.dll"
  (the second a portable build: dotnet publish src/CritDiff.Cli -c Release --use-current-runtime -o /tmp/jitcli)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CRITDIFF_ARGS = {
    "converge": "train --d 2 --L 32 --xi-over-L 0.25 --t 0.1 --arch one-layer --mode empirical --batch 64 --json",
    "fixed": "train --d 2 --L 64 --xi-over-L 0.25 --t 0.1 --arch two-layer-local:1 --mode empirical --batch 64 "
             "--lr 0.05 --max-steps 200 --eps 1e-9 --json",
}
TUNED = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "68719476736"}


def wall(command, env=None):
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout)  # one JSON object on stdout on both sides


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slow-repeats", type=int, default=2, help="repeats that also run the other PyTorch settings")
    parser.add_argument("--critdiff", default="./critdiff", help="comma-separated CritDiff command prefixes to time")
    parser.add_argument("--workloads", default="converge,fixed")
    args = parser.parse_args()
    sides = args.critdiff.split(",")
    times, steps, loads = {}, {}, []
    for r in range(args.repeats):
        loads.append(os.getloadavg()[0])
        for workload in args.workloads.split(","):
            for prefix in sides:
                seconds, out = wall(prefix.split() + CRITDIFF_ARGS[workload].split())
                times.setdefault((workload, prefix), []).append(seconds)
                steps[(workload, prefix)] = out["steps"]
            for allocator in ("tuned", "default"):
                env = dict(os.environ, **TUNED) if allocator == "tuned" else dict(os.environ)
                for threads in (1, 2):
                    if (allocator, threads) != ("tuned", 1) and r >= args.slow_repeats:
                        continue
                    key = (workload, f"torch {allocator} {threads}t")
                    seconds, out = wall([sys.executable, os.path.join(HERE, "train_peer.py"), workload,
                                         "--threads", str(threads)], env)
                    times.setdefault(key, []).append(seconds)
                    steps[key] = out["steps"]
        print(f"repeat {r + 1}/{args.repeats} done (load {loads[-1]:.2f})", file=sys.stderr)
    print(f"load average (1 min) at the repeats: {', '.join(f'{x:.2f}' for x in loads)}")
    for workload in args.workloads.split(","):
        medians = {k[1]: statistics.median(v) for k, v in times.items() if k[0] == workload}
        best = min(v for k, v in medians.items() if k.startswith("torch tuned"))
        print(f"\n{workload}: {CRITDIFF_ARGS[workload]}")
        for name, m in medians.items():
            runs = times[(workload, name)]
            ratio = f"  PyTorch best / this = {best / m:.2f}x" if not name.startswith("torch") else ""
            print(f"  {name:<32} median {m:7.3f} s  (n = {len(runs)}, min {min(runs):.3f}, max {max(runs):.3f}, "
                  f"steps {steps[(workload, name)]}){ratio}")
    print(json.dumps({f"{k[0]}|{k[1]}": v for k, v in times.items()}))


if __name__ == "__main__":
    main()
