"""Every performance goal, each at three sizes, in one command; optionally beside an older commit.

Runs the benchmarks one after another as subprocesses, each at the three sizes its goal is
shown at, streams their output, and ends with a summary: each benchmark's verdict lines and
whether it exited cleanly (a benchmark exits 1 when someone was not prompted exactly once, or
a reply was lost). With `--against REV`, the same benchmarks also run on the code of REV (a git
worktree in a temporary directory, with this checkout's bench/ and tests/ copied over it, so
both sides are measured by the same harness and mocks), goal by goal, REV first: the machine's
load of the moment weighs on both alike.

    .venv/bin/python bench/goals.py [--database sqlite|postgres] [--only NAME [NAME ...]]
                                    [--against REV] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERDICT_WORDS = ("meets", "misses", "goal", "MISSING", "SORRY", "verdict")


@dataclass(frozen=True)
class Goal:
    name: str
    script: str
    args: tuple[str, ...]
    quick: tuple[str, ...]  # the same benchmark at sizes that take a minute or two
    databases: bool = True  # takes --database


GOALS = (
    Goal(
        "answers",  # CPU per answer and acks at 1, 16, 64 clients, beside a bare bolt app
        "inbound.py",
        ("--clients", "1", "16", "64", "--no-wave", "--requests", "1000", "--rounds", "2"),
        ("--clients", "1", "16", "64", "--no-wave", "--requests", "300", "--rounds", "1"),
    ),
    Goal(
        "acks",  # open loop: 25, 50 and 100 requests a second, beside a bare bolt app
        "inbound.py",
        ("--no-wave", "--rates", "25", "50", "100", "--open-seconds", "20"),
        ("--no-wave", "--rates", "25", "50", "100", "--open-seconds", "5", "--rounds", "1"),
    ),
    Goal(
        "slack-wave",  # at a rate Slack enforces and the bot isn't told: 600 a minute
        "wave_limits.py",
        ("--people", "1000", "2500", "5000", "--slack-per-minute", "600", "--rate-scale", "4"),
        ("--people", "300", "600", "1200", "--slack-per-minute", "600", "--rate-scale", "4"),
    ),
    Goal(
        "slack-replicas",  # the same, with two replicas on one PostgreSQL database
        "wave_limits.py",
        (
            *("--people", "1000", "2500", "5000", "--slack-per-minute", "600", "--rate-scale", "4"),
            *("--replicas", "2", "--database", "postgres"),
        ),
        (
            *("--people", "300", "600", "1200", "--slack-per-minute", "600", "--rate-scale", "4"),
            *("--replicas", "2", "--database", "postgres"),
        ),
        databases=False,  # two replicas share a PostgreSQL database
    ),
    Goal(
        "teams-wave",  # 50 a second per tenant, one replica and two
        "wave_teams.py",
        ("--people", "1000", "5000", "10000", "--replicas", "1", "2", "--database", "postgres"),
        ("--people", "300", "600", "1200", "--replicas", "1", "2", "--database", "postgres"),
        databases=False,  # two replicas share a PostgreSQL database
    ),
    Goal(
        "hand-over",  # the wave's claims and bookkeeping, unpaced: 10,000 in under 10 s
        "wave.py",
        ("--people", "1000", "5000", "10000"),
        ("--people", "500", "1000", "2000"),
    ),
    Goal(
        "digest",  # every team's digest over a quarter: under 2 s each at 10,000 people
        "digest.py",
        ("--people", "1000", "5000", "10000"),
        ("--people", "500", "1000", "2000"),
    ),
    Goal(
        "memory",  # serve's RSS with N people scheduled: under 300 MB at 100,000
        "memory.py",
        ("--people", "10000", "50000", "100000"),
        ("--people", "2000", "5000", "10000", "--watch-seconds", "20"),
    ),
)


@dataclass
class Run:
    goal: str
    code: str  # "this checkout" or the commit measured beside it
    exit_code: int
    seconds: float
    verdicts: list[str]


def run(goal: Goal, tree: Path, code: str, args: argparse.Namespace) -> Run:
    command = [sys.executable, str(tree / "bench" / goal.script)]
    command += list(goal.quick if args.quick else goal.args)
    if goal.databases:
        command += ["--database", args.database]
    print(f"\n== {goal.name} on {code}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    verdicts: list[str] = []
    with subprocess.Popen(
        command, cwd=tree, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(f"  {line}", end="", flush=True)
            if any(word in line for word in VERDICT_WORDS):
                verdicts.append(line.strip())
    return Run(goal.name, code, process.returncode, time.monotonic() - started, verdicts)


@contextmanager
def tree_of(commit: str) -> Iterator[Path]:
    """A worktree of `commit` with this checkout's harness (bench/, tests/) over it."""
    folder = Path(tempfile.mkdtemp(prefix="goals-"))
    tree = folder / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
        check=True,
        capture_output=True,
    )
    try:
        for harness in ("bench", "tests"):
            shutil.copytree(ROOT / harness, tree / harness, dirs_exist_ok=True)
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def summary(runs: list[Run]) -> None:
    print("\n== summary")
    for result in runs:
        state = "ok" if result.exit_code == 0 else f"exit {result.exit_code}"
        print(f"{result.goal} on {result.code}: {state}, {result.seconds:.0f} s")
        for verdict in result.verdicts:
            print(f"    {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    names = [goal.name for goal in GOALS]
    parser.add_argument("--only", nargs="+", choices=names, help="these goals only")
    parser.add_argument("--against", metavar="REV", help="also measure the code of this commit")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, minutes not an hour")
    args = parser.parse_args()
    goals = [goal for goal in GOALS if not args.only or goal.name in args.only]
    runs: list[Run] = []
    with tree_of(args.against) if args.against else _no_tree() as before:
        for goal in goals:
            if before is not None:
                runs.append(run(goal, before, args.against, args))
            runs.append(run(goal, ROOT, "this checkout", args))
    summary(runs)
    return 0 if all(result.exit_code == 0 for result in runs) else 1


@contextmanager
def _no_tree() -> Iterator[Path | None]:
    yield None


if __name__ == "__main__":
    raise SystemExit(main())
