"""Run one risky computation in a forked child with a time and memory budget.

Some RDKit work has no time limit of its own and its cost cannot be told from the structure's size:
CoordGen lays out candicidin (a 38-membered ring) in about 30 ms but a bare 40-carbon ring in over
three minutes. Run in the web worker, one such call holds it until gunicorn kills it. Run in a forked
child, it costs the fork (about 10 ms here) and can be stopped: the parent waits at most ``seconds``,
then kills the child, and the caller falls back to something cheaper. A crash or an out-of-memory
in the child is reported the same way and never takes the worker down.

The child is a fork, so it needs no imports and sees the parent's objects as they were; it sends its
result back pickled through a pipe and leaves with ``os._exit`` (no atexit handlers, no closing of the
parent's database connections). Linux only, like the rest of the deployment.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable

# Address space the child may add to what it inherits: enough for any structure under the size limits
# (catalog.chemistry), small enough that a runaway allocation fails in the child instead of swapping.
EXTRA_MEMORY_BYTES = 512 * 1024 * 1024


class BudgetExceeded(Exception):
    """The computation did not finish within its time budget, or its process failed."""


def call_with_budget[T](func: Callable[[], T], *, seconds: float) -> T:
    """``func()`` computed in a forked child; ``BudgetExceeded`` if it takes longer than ``seconds``,
    crashes, raises or runs out of memory. The result must be picklable."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, write, leave without running any of the parent's cleanup
        status = 1
        try:
            os.close(read_fd)
            _limit_memory()
            payload = pickle.dumps(func())
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    try:
        payload = _read_until(read_fd, deadline=time.monotonic() + seconds)
    finally:
        os.close(read_fd)
    if payload is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise BudgetExceeded(f"not finished within {seconds:g} s")
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        raise BudgetExceeded(f"the worker process failed (wait status {status})")
    return pickle.loads(payload)


def _read_until(fd: int, *, deadline: float) -> bytes | None:
    """Everything written to the pipe until the child closes it, or None at the deadline."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _limit_memory() -> None:
    with open("/proc/self/statm") as statm:
        inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = inherited + EXTRA_MEMORY_BYTES
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
