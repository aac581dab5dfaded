#!/usr/bin/env python3
"""Compare two CritDiff run folders file by file (issue 21): did a change alter what a run writes?

Usage:
    python3 tools/compare-runs.py BEFORE AFTER [--rtol R]

Typical use, around a change that must not alter results (a refactoring):
    dotnet src/CritDiff.Cli/bin/Debug/net10.0/critdiff.dll reproduce --quick --out /tmp/before   # before the change
    dotnet src/CritDiff.Cli/bin/Debug/net10.0/critdiff.dll reproduce --quick --out /tmp/after    # after it
    python3 tools/compare-runs.py /tmp/before /tmp/after

What is compared (every .json, .csv and .npy file under either folder; both folders must hold the same ones):
  - .json: parsed and compared value by value; numbers numerically (exactly, or within --rtol relative
    difference), other values exactly. Keys whose name contains 'second', 'wall', 'out' or 'path' are
    ignored (wall times, output folders, file paths). In string values the folder's own path is replaced
    by a placeholder, so a path inside the run folder compares equal.
  - .csv: cell by cell, header included; columns whose header contains 'second' or 'wall' are ignored
    (wall_seconds); cells that both parse as numbers are compared as numbers (as for JSON).
  - .npy: byte-identical.
Other files (reports, figures) are not compared: they embed wall times and paths.

Prints one line per difference (at most 20 per file) and a summary; exit status 0 when the folders agree,
1 when they differ, 2 on bad usage (a folder that does not exist).
"""
import argparse
import csv
import json
import math
import os
import sys

IGNORED_KEY_PARTS = ("second", "wall", "out", "path")
IGNORED_COLUMN_PARTS = ("second", "wall")
MAX_REPORTED = 20


def files_of(root):
    found = set()
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith((".json", ".csv", ".npy")):
                found.add(os.path.relpath(os.path.join(folder, name), root))
    return found


def numbers_agree(a, b, rtol):
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    return rtol > 0 and abs(a - b) <= rtol * max(abs(a), abs(b))


def normalize_string(text, root):
    return text.replace(os.path.abspath(root), "<run>").replace(root, "<run>")


def compare_json(a, b, where, roots, rtol, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if any(part in key.lower() for part in IGNORED_KEY_PARTS):
                continue
            if key not in a or key not in b:
                out.append(f"{where}.{key}: only in {'after' if key not in a else 'before'}")
                continue
            compare_json(a[key], b[key], f"{where}.{key}", roots, rtol, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{where}: {len(a)} items before, {len(b)} after")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare_json(x, y, f"{where}[{i}]", roots, rtol, out)
    elif isinstance(a, bool) or isinstance(b, bool):
        if a is not b:
            out.append(f"{where}: {a!r} before, {b!r} after")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not numbers_agree(float(a), float(b), rtol):
            out.append(f"{where}: {a!r} before, {b!r} after")
    elif isinstance(a, str) and isinstance(b, str):
        if normalize_string(a, roots[0]) != normalize_string(b, roots[1]):
            out.append(f"{where}: {a!r} before, {b!r} after")
    elif a != b:
        out.append(f"{where}: {a!r} before, {b!r} after")


def as_number(text):
    try:
        return float(text)
    except ValueError:
        return None


def compare_csv(path_a, path_b, roots, rtol, out):
    with open(path_a, newline="") as fa, open(path_b, newline="") as fb:
        rows_a, rows_b = list(csv.reader(fa)), list(csv.reader(fb))
    if not rows_a or not rows_b:
        if rows_a != rows_b:
            out.append("one file is empty")
        return
    if rows_a[0] != rows_b[0]:
        out.append(f"header {rows_a[0]} before, {rows_b[0]} after")
        return
    kept = [i for i, name in enumerate(rows_a[0]) if not any(p in name.lower() for p in IGNORED_COLUMN_PARTS)]
    if len(rows_a) != len(rows_b):
        out.append(f"{len(rows_a) - 1} rows before, {len(rows_b) - 1} after")
        return
    for r, (row_a, row_b) in enumerate(zip(rows_a[1:], rows_b[1:]), start=1):
        if len(row_a) != len(row_b):
            out.append(f"row {r}: {len(row_a)} cells before, {len(row_b)} after")
            continue
        for i in kept:
            if i >= len(row_a):
                continue
            x, y = row_a[i], row_b[i]
            nx, ny = as_number(x), as_number(y)
            same = numbers_agree(nx, ny, rtol) if nx is not None and ny is not None \
                else normalize_string(x, roots[0]) == normalize_string(y, roots[1])
            if not same:
                out.append(f"row {r}, column {rows_a[0][i]}: {x!r} before, {y!r} after")


def main():
    parser = argparse.ArgumentParser(description="Compare two CritDiff run folders file by file.")
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rtol", type=float, default=0.0,
                        help="relative tolerance on numbers in JSON and CSV files (default 0: exact)")
    args = parser.parse_args()
    roots = (args.before, args.after)
    for root in roots:
        if not os.path.isdir(root):
            print(f"error: '{root}' is not a folder", file=sys.stderr)
            return 2

    files_a, files_b = files_of(args.before), files_of(args.after)
    differing = 0
    for name in sorted(files_a ^ files_b):
        print(f"{name}: only in {'before' if name in files_a else 'after'}")
        differing += 1
    compared = sorted(files_a & files_b)
    for name in compared:
        path_a, path_b = os.path.join(args.before, name), os.path.join(args.after, name)
        problems = []
        if name.endswith(".npy"):
            with open(path_a, "rb") as fa, open(path_b, "rb") as fb:
                if fa.read() != fb.read():
                    problems.append("bytes differ")
        elif name.endswith(".json"):
            with open(path_a) as fa, open(path_b) as fb:
                compare_json(json.load(fa), json.load(fb), "$", roots, args.rtol, problems)
        else:
            compare_csv(path_a, path_b, roots, args.rtol, problems)
        if problems:
            differing += 1
            for line in problems[:MAX_REPORTED]:
                print(f"{name}: {line}")
            if len(problems) > MAX_REPORTED:
                print(f"{name}: ... and {len(problems) - MAX_REPORTED} more differences")

    counts = {ext: sum(1 for n in compared if n.endswith(ext)) for ext in (".json", ".csv", ".npy")}
    print(f"compared {len(compared)} files ({counts['.json']} json, {counts['.csv']} csv, {counts['.npy']} npy): "
          f"{'no differences' if differing == 0 else f'{differing} differ'}")
    return 0 if differing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
