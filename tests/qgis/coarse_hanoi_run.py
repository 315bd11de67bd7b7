#!/usr/bin/python3
"""Runs the Hanoi batch (scenarios/hanoi-*.toml) at a coarse resolution into OUT, for the QGIS
tests: the scenario files are copied with resolution_m replaced and their relative input paths
made absolute, then `covsim run ... --web-tiles` writes OUT.

usage: coarse_hanoi_run.py COVSIM SOURCE_DIR OUT [RESOLUTION_M]
"""

import pathlib
import re
import shutil
import subprocess
import sys


def coarse_copy(scenario: pathlib.Path, target: pathlib.Path, resolution_m: int) -> None:
    lines = []
    for line in scenario.read_text(encoding="utf-8").splitlines():
        m = re.match(r'^(\s*\w+\s*=\s*)"([^"]+)"(.*)$', line)
        if m and (scenario.parent / m.group(2)).exists():
            path = (scenario.parent / m.group(2)).resolve()
            line = f'{m.group(1)}"{path.as_posix()}"{m.group(3)}'
        line = re.sub(r"^(\s*resolution_m\s*=\s*)[0-9.]+", rf"\g<1>{resolution_m}", line)
        lines.append(line)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    covsim, source, out = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    resolution_m = int(sys.argv[4]) if len(sys.argv) > 4 else 250
    work = out.parent / (out.name + "-scenarios")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    work.mkdir(parents=True)
    files = []
    for name in ("hanoi-4g-2020.toml", "hanoi-5g-2025.toml"):
        coarse_copy(source / "scenarios" / name, work / name, resolution_m)
        files.append(str(work / name))
    run = subprocess.run([covsim, "run", *files, "--out", str(out), "--web-tiles", "-q"],
                         check=False)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
