"""Timing helpers the in-process benchmarks share: wall-clock medians, and callgrind's instruction counts.

Wall-clock figures on this shared 2-core machine move by tens of percent from run to run; instruction
counts under ``valgrind --tool=callgrind`` repeat within a few percent whatever else the machine does,
so they are the figures to compare before and after a change.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time


def per_call_ms(fn, repeat: int, rounds: int = 5) -> float:
    for _ in range(min(repeat, 200)):  # warm up
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        samples.append((time.perf_counter() - start) * 1000 / repeat)
    return statistics.median(samples)


def call_repeatedly(fn, repeat: int) -> None:
    for _ in range(repeat):
        fn()


def callgrind_instructions(script: str, only: str, repeat: int) -> int:
    """Instructions valgrind counts for a whole run of ``script --only ONLY --repeat N --rounds 1``."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, script,
        "--only", only, "--repeat", str(repeat), "--rounds", "1",
    ]  # fmt: skip
    # pymalloc's arenas and random string hashes make the two runs differ by more than the calls do
    env = {**os.environ, "PYTHONMALLOC": "malloc", "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def callgrind_per_call(script: str, only: str, low: int = 20, high: int = 120) -> float:
    """Instructions per call of the figure ``only`` names: two runs subtracted, so start-up cancels out.

    Each run makes min(repeat, 200) warm-up calls and one round of ``repeat``: twice ``repeat`` up to 200.
    """
    return (callgrind_instructions(script, only, high) - callgrind_instructions(script, only, low)) / (2 * (high - low))


def add_figure_arguments(parser, *, repeat: int) -> None:
    """The options every in-process benchmark takes (``callgrind_instructions`` passes some of them on)."""
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the figures whose name contains this")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions for --only")
    parser.add_argument("--callgrind", action="store_true", help="instructions per call for --only")
