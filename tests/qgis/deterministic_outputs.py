#!/usr/bin/python3
"""Same inputs, same files: runs the Hanoi scenarios twice at 1000 m with web tiles, with 1 and
with 2 threads, and compares every output file byte for byte, except results.h5, which records
times and the command line, and variants/*/report.json, which records the computing time.

usage: deterministic_outputs.py COVSIM SOURCE_DIR WORK
"""

import filecmp
import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from coarse_hanoi_run import coarse_copy  # noqa: E402

SKIP = {"results.h5", "report.json"}


def main() -> int:
    covsim, source, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    (work / "scenarios").mkdir(parents=True)
    files = []
    for name in ("hanoi-4g-2020.toml", "hanoi-5g-2025.toml"):
        coarse_copy(source / "scenarios" / name, work / "scenarios" / name, 1000)
        files.append(str(work / "scenarios" / name))
    for threads in (1, 2):
        out = work / f"threads-{threads}"
        run = subprocess.run([covsim, "run", *files, "--out", str(out), "--web-tiles",
                              "--threads", str(threads)], stdout=subprocess.DEVNULL, check=False)
        if run.returncode != 0:
            print(f"FAIL: covsim exited with {run.returncode}")
            return 1
    a, b = work / "threads-1", work / "threads-2"
    names = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    failures = 0
    if names != other:
        print(f"FAIL: the runs wrote different files: {sorted(set(names) ^ set(other))}")
        failures += 1
    compared = 0
    for rel in names:
        if rel.name in SKIP:
            continue
        compared += 1
        if not filecmp.cmp(a / rel, b / rel, shallow=False):
            print(f"FAIL: {rel} differs between the runs")
            failures += 1
    for wanted in ("districts.gpkg", "covsim.qgs", "index.html", "web/leaflet/leaflet.js"):
        if pathlib.Path(wanted) not in names:
            print(f"FAIL: no {wanted}")
            failures += 1
    print(f"{compared} files compared, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
