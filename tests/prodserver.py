"""Start the production-style server (as `make serve` runs it) for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ops.proxy import stop, wait_until_answering

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    """Status, headers and body of a GET, also for error statuses."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# The variables the project reads; a server started here sees only those the caller names.
PROJECT_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY")


def production_env(workdir: Path, **overrides: str) -> dict[str, str]:
    """Production settings on a throwaway SQLite file (unless overrides name a DATABASE_URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PROJECT_VARIABLES)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="production-test-key-" + "q7Wz" * 12,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


@contextmanager
def production_server(
    workdir: Path,
    *,
    demo: bool = True,
    workers: int = 1,
    port: int | None = None,
    prepare: bool = True,
    gunicorn_args: Sequence[str] = (),
    log_path: Path | None = None,
    **overrides: str,
) -> Iterator[str]:
    """collectstatic, migrate, optionally the demo catalog, then gunicorn; yields the base URL.

    port: a fixed port (default: a free one). prepare=False skips collectstatic and migrate (a second
    server on a database and static folder another one prepared). gunicorn_args: extra command-line
    arguments. log_path: where gunicorn's stdout and stderr go (Django's error log, request log),
    for tests that read it afterwards; by default they are discarded.
    """
    env = production_env(workdir, **overrides)
    if prepare:
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "migrate", "--noinput", "-v0")
    if demo:
        manage(env, "load_demo_catalog", "-v0")
    port = port or free_port()
    command = [
        *(BIN / "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"),
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), *gunicorn_args),
    ]
    with serving(command, env, port, log_path=log_path, startup_seconds=30) as base:
        yield base


@contextmanager
def serving(
    command: list, env: dict[str, str], port: int, *, log_path: Path | None, startup_seconds: float
) -> Iterator[str]:
    """Run a server command in a session of its own until the block ends; yields its base URL once it answers."""
    log = open(log_path, "ab") if log_path else None  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + "/robots.txt", process, startup_seconds)
        yield base
    finally:
        stop(process)
        if log:
            log.close()


@contextmanager
def make_serve(
    port: int, *, log_path: Path | None = None, settings_module: str | None = None, **env: str
) -> Iterator[str]:
    """Exactly what the README hands out: `make serve PORT=port`, with only these variables added.

    Nothing else is set: the settings module (unless settings_module overrides the Makefile's), request
    logging, database default and gunicorn's options are the Makefile's. Yields the base URL; stops
    gunicorn and everything make started.
    """
    command = [
        *("make", "--no-print-directory", "serve", f"PORT={port}"),
        *([f"DJANGO_SETTINGS_MODULE={settings_module}"] if settings_module else []),
    ]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(PROJECT_VARIABLES)}, **env}
    # The first run installs the virtualenv.
    with serving(command, env, port, log_path=log_path, startup_seconds=300) as base:
        yield base
