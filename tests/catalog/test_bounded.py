"""A computation in a forked child with a time and memory budget: its result, or BudgetExceeded."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalog.bounded import BudgetExceeded, call_with_budget


def test_the_result_comes_back_from_the_child():
    assert call_with_budget(lambda: {"answer": [6 * 7]}, seconds=5) == {"answer": [42]}


def test_a_result_larger_than_a_pipe_buffer_comes_back_whole():
    assert call_with_budget(lambda: "x" * 1_000_000, seconds=5) == "x" * 1_000_000


def test_a_computation_over_its_time_budget_is_stopped():
    with pytest.raises(BudgetExceeded, match=r"not finished within 0\.2 s"):
        call_with_budget(lambda: time.sleep(30), seconds=0.2)


def test_a_child_killed_by_a_signal_is_reported_and_the_caller_goes_on():
    # As a segfault or the kernel's OOM killer would end it (SIGKILL: no crash report on stderr).
    with pytest.raises(BudgetExceeded, match="the worker process failed"):
        call_with_budget(lambda: os.kill(os.getpid(), signal.SIGKILL), seconds=5)


def test_an_exception_in_the_child_is_reported():
    with pytest.raises(BudgetExceeded, match="the worker process failed"):
        call_with_budget(lambda: 1 / 0, seconds=5)


def test_a_runaway_allocation_fails_in_the_child():
    with pytest.raises(BudgetExceeded, match="the worker process failed"):
        call_with_budget(lambda: len(bytearray(1024**3)), seconds=5)  # over the 512 MiB it may add


def test_a_web_process_has_one_thread_after_loading_the_apps_so_it_may_fork():
    """numpy (imported with the apps) would start OpenBLAS threads; the settings keep it to none."""
    code = (
        "import django; django.setup(); import numpy, catalog.structure_search; "
        "print(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[17])"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    project = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "1"  # /proc/self/stat's num_threads
