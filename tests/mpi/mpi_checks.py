#!/usr/bin/python3
"""covsim run over MPI ranks on loopback (label mpi; docs/scale-out.md), against one process.

usage: mpi_checks.py CHECK COVSIM MPIEXEC SOURCE_DIR WORK

CHECK:
  single            the coarse Hanoi batch and the coarse sweep as one process, in WORK (the
                    fixture of the others)
  batch-N           the Hanoi batch on N ranks equals the single process, dataset by dataset
  variant-N         one variant (2030) on N ranks: computed in N parts, one per rank, joined
                    and completed by the rank of the last part (core/coverage.hpp,
                    CoverageJoin); equals one process
  sweep-N           the sweep on N ranks equals it
  plan-N            the coarse Hanoi plan on N ranks: the same plan, files and terminal table
  killed            a rank killed by SIGKILL mid-sweep: the job fails naming the rank, leaves no
                    results.h5; the same command then completes and equals the single process
  failed            a variant whose maps cannot be written: the job fails naming the rank and the
                    variant, with the error's exit code, and leaves no results.h5
  failed-in-parts   the same for a variant computed in parts (2030 alone on 3 ranks)
  one-process-only  `mpirun -n 2 covsim validate` says once that only `covsim run` and
                    `covsim plan` are distributed; a bad option is reported once

The ranks run with --threads 1 (2 cores), the single process with 2 threads: the results are
the same bits for any thread count and any number of ranks.
"""

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

BATCH = ("hanoi-4g-2020", "hanoi-5g-2025", "hanoi-universal-2030")
SWEEP = "hanoi-5g-2025-sweep"
PLAN = "hanoi-plan-2030"
# Attributes that describe how a run was made, not what it computed.
RUN_ATTRIBUTES = {"command_line", "threads", "started_utc", "finished_utc", "elapsed_s"}
# Files that hold run times.
RUN_FILES = {"report.json"}


def write_scenarios(source: pathlib.Path, work: pathlib.Path) -> None:
    """Children of the shipped scenarios at a coarse grid, so that each check takes seconds."""
    work.mkdir(parents=True, exist_ok=True)
    for name, resolution_m in [(n, 500) for n in BATCH] + [(SWEEP, 1000), (PLAN, 1000)]:
        parent = (source / "scenarios" / f"{name}.toml").as_posix()
        (work / f"{name}.toml").write_text(
            f'extends = "{parent}"\n[study_area]\nresolution_m = {resolution_m}\n',
            encoding="utf-8")


def mpi_command(mpiexec: str, ranks: int, covsim: str, args: list) -> list:
    return [mpiexec, "-n", str(ranks), "--oversubscribe", covsim, *args, "--threads", "1"]


def mpi_env() -> dict:
    env = dict(os.environ)
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    return env


def run(cmd: list, env=None) -> subprocess.CompletedProcess:
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)


def batch_args(work: pathlib.Path, out: pathlib.Path) -> list:
    return ["run", *[str(work / "scenarios" / f"{n}.toml") for n in BATCH], "--out", str(out),
            "-q"]


def variant_args(work: pathlib.Path, out: pathlib.Path) -> list:
    """The largest variant alone, logging (its split into parts is logged)."""
    return ["run", str(work / "scenarios" / f"{BATCH[2]}.toml"), "--out", str(out)]


def sweep_args(work: pathlib.Path, out: pathlib.Path) -> list:
    return ["run", str(work / "scenarios" / f"{SWEEP}.toml"), "--out", str(out), "-q"]


def comparable(f: h5py.File, value):
    """A value as bytes when it is numeric; strings as text and object references (a
    dimension scale's DIMENSION_LIST) as the name of what they point to, which do not depend
    on where the file put them."""
    a = np.asarray(value)
    if a.dtype.names:  # a compound, e.g. a REFERENCE_LIST of (dataset, dimension)
        return (a.shape, [[comparable(f, r[n]) for n in a.dtype.names] for r in a.ravel()])
    if a.dtype.kind != "O":
        return (str(a.dtype), a.shape, a.tobytes())
    def item(x):
        if isinstance(x, h5py.Reference):
            return f[x].name if x else None
        if isinstance(x, np.ndarray):
            return [item(y) for y in x.ravel()]
        return x.decode() if isinstance(x, bytes) else x
    return (a.shape, [item(x) for x in a.ravel()])


def plan(covsim: str, work: pathlib.Path, run_dir: pathlib.Path, mpi=None) -> tuple:
    """`covsim plan` of the coarse plan into RUN_DIR/plan (the results record the output's path
    as given: relative, so that two runs compare); returns the run and its output directory."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    args = ["plan", str(work / "scenarios" / f"{PLAN}.toml"), "--out", "plan"]
    if mpi is None:
        cmd, env = [covsim, *args, "--threads", "2"], None
    else:
        cmd, env = mpi_command(mpi[0], mpi[1], covsim, args), mpi_env()
    print("$", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=run_dir, check=False)
    return r, run_dir / "plan"


def plan_table(stdout: str) -> str:
    """The plan's terminal table, without the last lines (time, ranks, files)."""
    return stdout.split("\nPlan in ")[0]


def h5_contents(path: pathlib.Path) -> dict:
    """Every dataset (dtype, shape, values) and every attribute but the run's own."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for key, value in obj.attrs.items():
                if key not in RUN_ATTRIBUTES:
                    out[f"{name}@{key}"] = comparable(f, value)
            if isinstance(obj, h5py.Dataset):
                out[name] = (str(obj.dtype), comparable(f, obj[()]))
        f.visititems(visit)
        for key, value in f.attrs.items():
            if key not in RUN_ATTRIBUTES:
                out[f"/@{key}"] = comparable(f, value)
    return out


def compare_outputs(expected: pathlib.Path, actual: pathlib.Path) -> list:
    """The differences between two output directories: every results.h5 dataset by dataset,
    every other file byte for byte (the maps, CSVs, GeoPackages, charts, QGIS project)."""
    problems = []
    files_e = sorted(p.relative_to(expected) for p in expected.rglob("*") if p.is_file())
    files_a = sorted(p.relative_to(actual) for p in actual.rglob("*") if p.is_file())
    if files_e != files_a:
        problems.append(f"file lists differ: only in {expected}: "
                        f"{sorted(set(files_e) - set(files_a))[:5]}, only in {actual}: "
                        f"{sorted(set(files_a) - set(files_e))[:5]}")
    datasets = 0
    for rel in files_e:
        if rel not in files_a or rel.name in RUN_FILES or rel.name == ".covsim.lock":
            continue
        if rel.suffix == ".h5":
            e, a = h5_contents(expected / rel), h5_contents(actual / rel)
            datasets += sum(1 for k in e if "@" not in k)
            for key in sorted(set(e) | set(a)):
                if e.get(key) != a.get(key):
                    problems.append(f"{rel}: {key} differs")
        elif (expected / rel).read_bytes() != (actual / rel).read_bytes():
            problems.append(f"{rel} differs")
    print(f"compared {len(files_e)} files, {datasets} HDF5 datasets: "
          f"{len(problems)} differences")
    return problems


def check_equal(args: list, covsim, mpiexec, ranks, single: pathlib.Path,
                out: pathlib.Path, log_line=None) -> int:
    shutil.rmtree(out, ignore_errors=True)
    r = run(mpi_command(mpiexec, ranks, covsim, args), env=mpi_env())
    if r.returncode != 0:
        print(r.stdout, r.stderr, f"FAILED: exit {r.returncode}", sep="\n")
        return 1
    problems = compare_outputs(single, out)
    if log_line is not None and log_line not in r.stderr.splitlines():
        problems.append(f"the log lacks '{log_line}':\n{r.stderr[-3000:]}")
    for p in problems[:20]:
        print("DIFFERENCE:", p)
    return 1 if problems else 0


def rank_pid(mpirun: subprocess.Popen, rank: int):
    """The pid of a rank started by `mpirun` (Open MPI puts the rank in its environment)."""
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(next(l for l in status.splitlines() if l.startswith("PPid:")).split()[1])
        if ppid == mpirun.pid and f"OMPI_COMM_WORLD_RANK={rank}".encode() in environ:
            return int(proc.name)
    return None


def committed_variants(variants: pathlib.Path) -> list:
    """The committed variant directories (run/variant_store.hpp)."""
    if not variants.is_dir():
        return []
    return [p for p in variants.iterdir()
            if p.is_dir() and not p.name.endswith((".partial", ".stale"))]


def check_killed(covsim, mpiexec, work: pathlib.Path) -> int:
    out = work / "killed"
    shutil.rmtree(out, ignore_errors=True)
    cmd = mpi_command(mpiexec, 3, covsim, sweep_args(work, out))
    print("$", " ".join(cmd), flush=True)
    job = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=mpi_env())
    variants = out / "variants"
    deadline = time.monotonic() + 300
    victim = None
    # Kill rank 1 once the first variant is committed: the job is then mid-sweep.
    while time.monotonic() < deadline and job.poll() is None:
        done = committed_variants(variants)
        if done:
            victim = rank_pid(job, 1)
            if victim is not None:
                os.kill(victim, signal.SIGKILL)
            break
        time.sleep(0.05)
    stdout, stderr = job.communicate(timeout=120)
    print(stderr)
    failures = []
    if victim is None:
        failures.append("rank 1 was not found, or the sweep ended before a variant committed")
    if job.returncode == 0:
        failures.append("the job with a killed rank exited 0")
    if "rank 1" not in stderr:
        failures.append("the messages do not name rank 1")
    if (out / "results.h5").exists():
        failures.append("results.h5 exists after a failed job")
    committed = len(committed_variants(variants))
    # The same command resumes and completes: the result equals the single process's.
    r = run(cmd, env=mpi_env())
    if r.returncode != 0:
        failures.append(f"the rerun failed ({r.returncode}): {r.stderr[-2000:]}")
    else:
        failures += compare_outputs(work / "single-sweep", out)
    print(f"{committed} of 12 variants were committed when the job ended")
    for f in failures[:20]:
        print("FAILED:", f)
    return 1 if failures else 0


def check_failed(covsim, mpiexec, work: pathlib.Path, in_parts: bool) -> int:
    """A variant whose maps cannot be written: a variant of the sweep (computed whole), or 2030
    alone (computed in 3 parts: it fails on the rank that completes it)."""
    out = work / ("failed-in-parts" if in_parts else "failed")
    shutil.rmtree(out, ignore_errors=True)
    victim = BATCH[2] if in_parts else "hanoi-5g-2025-sweep/demand=0.2,n41=60,speed=25"
    args = variant_args(work, out) + ["-q"] if in_parts else sweep_args(work, out)
    # A file where the variant's map directory must go: writing its maps fails on whichever
    # rank computes it.
    (out / "maps" / victim).parent.mkdir(parents=True)
    (out / "maps" / victim).write_text("in the way\n", encoding="utf-8")
    r = run(mpi_command(mpiexec, 3, covsim, args), env=mpi_env())
    print(r.stderr)
    failures = []
    lines = [l for l in r.stderr.splitlines() if l.startswith("covsim: error: ")]
    if r.returncode != 5:
        failures.append(f"exit code {r.returncode}, expected 5 (io)")
    if len(lines) != 1 or f"scenario {victim}: " not in lines[0] or "rank " not in lines[0]:
        failures.append(f"expected one error line naming the rank and {victim}: {lines}")
    if (out / "results.h5").exists():
        failures.append("results.h5 exists after a failed job")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


def check_one_process_only(covsim, mpiexec, work: pathlib.Path) -> int:
    r = run([mpiexec, "-n", "2", "--oversubscribe", covsim, "validate",
             str(work / "scenarios" / f"{BATCH[2]}.toml")], env=mpi_env())
    lines = [l for l in r.stderr.splitlines() if l.startswith("covsim: error: ")]
    expected = ("covsim: error: covsim validate runs as one process; of the commands only covsim "
                "run and covsim plan are distributed over MPI ranks: start it without mpirun or "
                "srun")
    if r.returncode != 2 or lines != [expected]:
        print(r.stderr, f"FAILED: exit {r.returncode}, error lines {lines}", sep="\n")
        return 1
    # Every rank parses the same arguments: what is wrong with them is said once.
    r = run([mpiexec, "-n", "3", "--oversubscribe", covsim, "run",
             str(work / "scenarios" / f"{BATCH[2]}.toml"), "--no-such-option"], env=mpi_env())
    lines = [l for l in r.stderr.splitlines() if l.startswith("covsim: error: ")]
    if r.returncode != 2 or len(lines) != 1 or "--no-such-option" not in lines[0]:
        print(r.stderr, f"FAILED: exit {r.returncode}, error lines {lines}", sep="\n")
        return 1
    return 0


def main() -> int:
    check, covsim, mpiexec = sys.argv[1], sys.argv[2], sys.argv[3]
    source, work = pathlib.Path(sys.argv[4]), pathlib.Path(sys.argv[5])
    if check == "single":
        shutil.rmtree(work, ignore_errors=True)
        write_scenarios(source, work / "scenarios")
        for args in (batch_args(work, work / "single-batch"),
                     variant_args(work, work / "single-variant") + ["-q"],
                     sweep_args(work, work / "single-sweep")):
            r = run([covsim, *args, "--threads", "2"])
            if r.returncode != 0:
                print(r.stdout, r.stderr, f"FAILED: exit {r.returncode}", sep="\n")
                return 1
        return 0
    if check.startswith("batch-"):
        ranks = int(check.split("-")[1])
        return check_equal(batch_args(work, work / check), covsim, mpiexec, ranks,
                           work / "single-batch", work / check)
    if check.startswith("variant-"):
        ranks = int(check.split("-")[1])
        return check_equal(variant_args(work, work / check), covsim, mpiexec, ranks,
                           work / "single-variant", work / check,
                           f"info: scenario {BATCH[2]}: computed in {ranks} parts on as many "
                           f"ranks ({ranks} ranks' share of the batch)")
    if check.startswith("sweep-"):
        ranks = int(check.split("-")[1])
        return check_equal(sweep_args(work, work / check), covsim, mpiexec, ranks,
                           work / "single-sweep", work / check)
    if check.startswith("plan-"):
        single, single_out = plan(covsim, work, work / "single-plan")
        r, out = plan(covsim, work, work / check, (mpiexec, int(check.split("-")[1])))
        if single.returncode != 0 or r.returncode != 0:
            print(single.stderr[-3000:], r.stderr[-3000:], "FAILED: a plan failed", sep="\n")
            return 1
        problems = compare_outputs(single_out, out)
        if plan_table(single.stdout) != plan_table(r.stdout):
            problems.append("the terminal tables differ")
        for p in problems[:20]:
            print("DIFFERENCE:", p)
        return 1 if problems else 0
    if check == "killed":
        return check_killed(covsim, mpiexec, work)
    if check in ("failed", "failed-in-parts"):
        return check_failed(covsim, mpiexec, work, check == "failed-in-parts")
    if check == "one-process-only":
        return check_one_process_only(covsim, mpiexec, work)
    print(f"unknown check {check}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
