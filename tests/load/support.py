"""Helpers for the load, fault and multi-server tests: tools, throwaway services, an admin client.

Everything here talks to 127.0.0.1 only. The services a test stops are its own: a PostgreSQL cluster
initdb'd into a temporary folder and a redis-server, each on a free port; the shared ones at
5432/6379 are only ever used, never stopped.
"""

from __future__ import annotations

import html
import http.cookiejar
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import html_forms
from tests.prodserver import free_port, manage, production_env

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ADMIN_PASSWORD = "load-test-" + "Xq3v" * 6


def require(ok: bool, reason: str) -> None:
    """Skip when a tool is missing, but fail in CI (REQUIRE_BROWSER_TESTS=1), where a skip would hide it."""
    if ok:
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {reason}")
    pytest.skip(reason)


def run_as_postgres(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess:
    """PostgreSQL's server binaries refuse root; run them as the postgres user when we are root."""
    command = [str(a) for a in args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if check and result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr or result.stdout}")
    return result


def postgres_tools_missing() -> str | None:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql-15)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing (initdb refuses root)"
    return None


@dataclass
class ThrowawayPostgres:
    datadir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/catalog"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        run_as_postgres(
            PG_BIN / "pg_ctl", "-D", self.datadir, "-o", options, "-l", self.datadir / "server.log", "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        run_as_postgres(PG_BIN / "pg_ctl", "-D", self.datadir, "-m", mode, "-w", "stop")


@contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL 15 cluster of our own (trust auth, database "catalog"), removed afterwards."""
    # Not under pytest's tmp_path: that lives in root's 0700 folder, which postgres cannot enter.
    root = Path(tempfile.mkdtemp(prefix="pg-fault-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = ThrowawayPostgres(root / "data", free_port())
    try:
        run_as_postgres(PG_BIN / "initdb", "-D", cluster.datadir, "-U", "postgres", "-A", "trust", "--no-sync")
        cluster.start()
        run_as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "catalog")
        yield cluster
    finally:
        run_as_postgres(PG_BIN / "pg_ctl", "-D", cluster.datadir, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def redis_ping(port: int) -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "ping"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() == "PONG"


def start_redis(port: int) -> subprocess.Popen:
    """A redis-server of our own on this port, in the foreground (so the test can kill it), no persistence."""
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [*command, "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not redis_ping(port):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"redis-server did not start on port {port}")
        time.sleep(0.05)
    return process


class SecureOverHttpPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies back over plain http: our "TLS" is X-Forwarded-Proto, as behind a load balancer."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as the answer, so the test sees it


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """A urllib client with a cookie jar that talks to the production server as if through TLS."""

    def __init__(self, base: str, timeout: float = 30, host: str | None = None, https: bool = True) -> None:
        """host: a Host header for every request, as a load balancer in front of several servers sends one.

        https=False: plain HTTP, as through our nginx on 127.0.0.1 (which says so in X-Forwarded-Proto).
        """
        self.base = base
        self.timeout = timeout
        self.host = host
        self.https = https
        self.jar = http.cookiejar.CookieJar(policy=SecureOverHttpPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None, base: str | None = None) -> Answer:
        base = base or self.base
        url = base + path
        origin = ("https://" if self.https else "http://") + (self.host or urllib.parse.urlsplit(base).netloc)
        headers = ({"X-Forwarded-Proto": "https"} if self.https else {}) | ({"Host": self.host} if self.host else {})
        body = None
        if data is not None:
            # Django checks Origin (or Referer) on "HTTPS" POSTs against the host.
            headers |= {"Origin": origin, "Referer": origin + path}
            body = urllib.parse.urlencode(data, doseq=True).encode()
        req = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers), response.read(), url)
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read(), url)

    def get(self, path: str, base: str | None = None) -> Answer:
        return self.request(path, base=base)

    def post(self, path: str, data: dict, base: str | None = None) -> Answer:
        return self.request(path, data, base=base)

    def login(self, username: str = "loadadmin", password: str = ADMIN_PASSWORD) -> None:
        """One real login through the admin form (django-axes locks out after five failures)."""
        form = self.get("/admin/login/?next=/admin/")
        assert form.status == 200, form.status
        data = form_data(form.body, form_id="login-form")
        data.update(username=username, password=password, next="/admin/")
        answer = self.post("/admin/login/?next=/admin/", data)
        assert (answer.status, answer.headers.get("Location")) == (302, "/admin/"), errors(answer.body)

    def compound_ids(self) -> dict[str, int]:
        """Admin change-list: compound name → primary key."""
        page = self.get("/admin/catalog/compound/")
        assert page.status == 200, page.status
        # The name is the first link of each row (the catalog number links to the same form).
        links = re.findall(
            r'<th class="field-name"><a href="/admin/catalog/compound/(\d+)/change/[^"]*">([^<]+)</a>', page.text
        )
        return {html.unescape(name): int(pk) for pk, name in links}

    def edit_compound(self, pk: int, changes: dict, synonym: str | None = None) -> Answer:
        """Load the admin change form, change some fields (and optionally add a synonym), submit it."""
        path = f"/admin/catalog/compound/{pk}/change/"
        page = self.get(path)
        assert page.status == 200, (page.status, page.text[:500])
        data = form_data(page.body)
        data.update(changes)
        if synonym is not None:
            index = int(data["synonyms-TOTAL_FORMS"])
            data.update(
                {
                    "synonyms-TOTAL_FORMS": str(index + 1),
                    f"synonyms-{index}-name": synonym,
                    f"synonyms-{index}-position": str(index + 100),
                }
            )
        return self.post(path, data)


def create_superuser(env: dict[str, str], username: str = "loadadmin") -> None:
    manage(
        {
            **env,
            "DJANGO_SUPERUSER_USERNAME": username,
            "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
            "DJANGO_SUPERUSER_EMAIL": f"{username}@example.com",
        },
        "createsuperuser",
        "--noinput",
    )


def form_data(html: bytes, form_id: str | None = None) -> dict:
    """The form as a browser submits it (tests/html_forms.py), read from the page decoded as UTF-8."""
    return html_forms.form_data(html.decode("utf-8"), form_id)


def errors(html: bytes) -> list[str]:
    return html_forms.form_errors(html.decode("utf-8"))


@dataclass
class Sample:
    path: str
    started: float  # time.monotonic() when the request was sent
    elapsed: float
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    headers: dict
    body: bytes
    error: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.elapsed


class Traffic:
    """Threads that GET the given paths round-robin until stopped, recording every answer."""

    def __init__(self, base: str, paths: list[str], threads: int = 4, timeout: float = 10) -> None:
        self.base, self.paths, self.timeout = base, paths, timeout
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)

    def _run(self, offset: int) -> None:
        browser = Browser(self.base, timeout=self.timeout)
        i = offset
        while not self._stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.monotonic()
            try:
                answer = browser.get(path)
                sample = Sample(path, started, time.monotonic() - started, answer.status, answer.headers, answer.body)
            except OSError as error:
                sample = Sample(path, started, time.monotonic() - started, None, {}, b"", repr(error))
            with self._lock:
                self.samples.append(sample)

    def between(self, start: float, end: float) -> list[Sample]:
        with self._lock:
            return [s for s in self.samples if start <= s.started and s.ended <= end]

    def wait_until(self, condition, timeout: float) -> float | None:
        """Seconds until condition(samples so far) holds, or None after timeout."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            with self._lock:
                samples = list(self.samples)
            if condition(samples):
                return time.monotonic() - started
            time.sleep(0.05)
        return None


@contextmanager
def prepared_site(prefix: str) -> Iterator[Path]:
    """A folder with collected static files and a migrated SQLite demo catalog with a superuser."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    env = production_env(path)
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_catalog", "-v0")
    create_superuser(env)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
