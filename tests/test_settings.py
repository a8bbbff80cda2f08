"""Settings come from the environment; each case runs in a fresh interpreter so import-time logic is exercised."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {}), 'name': str(db['NAME']), "
    "'conn_max_age': db['CONN_MAX_AGE'], 'health_checks': db['CONN_HEALTH_CHECKS'], "
    "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS}))"
)


def run_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


def probe(module: str, **env: str) -> dict:
    result = run_settings(module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_default_database_is_sqlite_in_wal_mode_with_busy_timeout():
    config = probe("config.settings.dev")
    assert (config["engine"], config["options"]) == (
        "django.db.backends.sqlite3",
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    )


def test_default_sqlite_keeps_connections_like_a_database_url_does():
    # Without it every request (cache hits too) opened a new SQLite connection and ran the WAL pragmas:
    # `make serve` with nothing set served the warm page at a third of the rate the benchmark measured.
    prod = {"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "localhost"}
    default = probe("config.settings.prod", **prod)
    by_url = probe("config.settings.prod", **prod, DATABASE_URL="sqlite:////tmp/other.sqlite3")
    fields = ("engine", "options", "conn_max_age", "health_checks")
    assert [default[f] for f in fields] == [by_url[f] for f in fields]
    assert (default["conn_max_age"], default["health_checks"]) == (60, False)


def test_database_url_selects_postgresql():
    config = probe("config.settings.dev", DATABASE_URL="postgres://postgres@127.0.0.1:5432/catalog")
    assert (config["engine"], config["name"]) == ("django.db.backends.postgresql", "catalog")


def test_redis_url_selects_the_redis_cache():
    config = probe("config.settings.dev", REDIS_URL="redis://127.0.0.1:6379/0")
    assert config["cache"] == "ops.cache.ResilientRedisCache"


def test_without_redis_url_the_cache_is_local_memory():
    assert probe("config.settings.dev")["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_dev_runs_with_debug_and_a_throwaway_key():
    assert probe("config.settings.dev")["debug"] is True


def test_dev_with_debug_off_requires_a_secret_key():
    result = run_settings("config.settings.dev", DJANGO_DEBUG="false")
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_prod_requires_a_secret_key():
    result = run_settings("config.settings.prod", DJANGO_ALLOWED_HOSTS="catalog.example")
    assert "DJANGO_SECRET_KEY must be set in production." in result.stderr


def test_prod_reads_allowed_hosts_from_the_environment():
    config = probe("config.settings.prod", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="a.example, b.example")
    assert (config["debug"], config["hosts"]) == (False, ["a.example", "b.example"])


def test_postgresql_connections_give_up_quickly_on_a_silent_server():
    config = probe("config.settings.dev", DATABASE_URL="postgres://postgres@127.0.0.1:5432/catalog")
    assert config["options"] == {
        "connect_timeout": 3,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "tcp_user_timeout": 5000,
    }
