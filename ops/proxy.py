"""`make serve-proxy`: Debian's nginx in front of `make serve`, as a deployment runs it.

nginx listens on ``--port`` and serves static files itself; everything else goes to gunicorn (started
with `make serve`) on ``--app-port``, and public pages are cached per the headers the app sends. The
configuration is ops/nginx/catalog.conf, rendered into a run folder (pid, logs, cache) of its own.
Stopping this (Ctrl-C) stops both. The tests and the benchmark start nginx the same way
(``running_nginx``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config.settings.base import STATIC_ROOT

BASE_DIR = Path(__file__).resolve().parent.parent
CONF_DIR = BASE_DIR / "ops" / "nginx"


def nginx_path() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def render_config(*, port: int, app: str, static_root: Path, run_dir: Path) -> Path:
    """Write the filled-in nginx.conf into run_dir and return its path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    values = {
        # Run as root (a container, CI), nginx's workers would be "nobody", who cannot read our files.
        "USER": "user root;" if os.geteuid() == 0 else "",
        "RUN_DIR": str(run_dir),
        "CONF_DIR": str(CONF_DIR),
        "PORT": str(port),
        "APP": app,
        "STATIC_ROOT": str(static_root).rstrip("/"),
    }
    text = (CONF_DIR / "catalog.conf").read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    config = run_dir / "nginx.conf"
    config.write_text(text)
    return config


def wait_until_answering(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # an error status is an answer too
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nothing answered at {url}") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, with everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def running_nginx(*, port: int, app: str, static_root: Path, run_dir: Path | None = None) -> Iterator[str]:
    """nginx in front of the app at ``app`` (host:port), until the block ends; yields its base URL."""
    nginx = nginx_path()
    if nginx is None:
        raise RuntimeError("nginx is needed: apt-get install nginx")
    run_dir = run_dir or Path(tempfile.mkdtemp(prefix=f"catalog-proxy-{port}-"))
    config = render_config(port=port, app=app, static_root=static_root, run_dir=run_dir)
    process = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(run_dir), "-g", "daemon off;"], start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + "/robots.txt", process)
        yield base
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="where nginx listens")
    parser.add_argument("--app-port", type=int, default=8001, help="where gunicorn (make serve) listens")
    args = parser.parse_args()
    app = subprocess.Popen(["make", "--no-print-directory", "serve", f"PORT={args.app_port}"], start_new_session=True)
    try:
        wait_until_answering(f"http://127.0.0.1:{args.app_port}/robots.txt", app)
        with running_nginx(port=args.port, app=f"127.0.0.1:{args.app_port}", static_root=Path(STATIC_ROOT)) as base:
            print(f"nginx on {base}, in front of gunicorn on 127.0.0.1:{args.app_port}. Ctrl-C stops both.")
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            while app.poll() is None:
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop(app)


if __name__ == "__main__":
    main()
