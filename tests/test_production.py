"""The production-style server (`make serve`): gunicorn, production settings, WhiteNoise static files."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="production-test-key-" + "q7Wz" * 12,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
    )
    for command in (["collectstatic", "--noinput", "-v0"], ["migrate", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=settings.BASE_DIR, env=env, check=True)
    port = free_port()
    process = subprocess.Popen(
        [BIN / "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            fetch(base + "/robots.txt")
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def stylesheet_url(server) -> str:
    _, _, body = fetch(server + "/")
    return server + re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body).group(1).decode()


def test_pages_link_hashed_static_files(stylesheet_url):
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", stylesheet_url)


def test_hashed_static_files_are_cached_for_years(stylesheet_url):
    _, headers, _ = fetch(stylesheet_url)
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"


def test_static_files_are_served_compressed(stylesheet_url):
    _, headers, _ = fetch(stylesheet_url, {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"


def test_not_found_is_the_friendly_page_without_details(server):
    status, _, body = fetch(server + "/compounds/missing/")
    assert (status, b"We could not find that page" in body, b"Traceback" in body) == (404, True, False)


def test_hsts_is_sent_on_https_requests(server):
    _, headers, _ = fetch(server + "/robots.txt", {"X-Forwarded-Proto": "https"})
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_unknown_host_is_refused(server):
    status, _, body = fetch(server + "/", {"Host": "evil.example"})
    assert (status, b"evil.example" in body) == (400, False)
