"""Security headers, production settings, the admin's path and throttling, CSRF, and escaping."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture
def home(client, db):
    return client.get("/")


def test_csp_allows_no_inline_script_or_style(home):
    assert home["Content-Security-Policy"] == EXPECTED_CSP


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
)
def test_security_header(home, header, value):
    assert home[header] == value


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": "k3y-for-the-deploy-check-only-" + "x9Qz" * 10,
    "DJANGO_ALLOWED_HOSTS": "catalog.example",
}


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert (result.returncode, result.stdout.strip()) == (0, "System check identified no issues (0 silenced).")


def test_admin_path_comes_from_the_environment():
    code = "from django.urls import resolve; print(resolve('/staff-area/').app_name)"
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DJANGO_ADMIN_PATH="staff-area",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    assert result.stdout.strip() == "admin"


def test_repeated_failed_logins_are_locked_out(client, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.com", "the-right-password-123")
    for _ in range(5):
        client.post("/admin/login/", {"username": "staff", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "staff", "password": "the-right-password-123"})
    assert (response.status_code, "Too many failed sign-ins" in response.text) == (429, True)


def test_post_without_csrf_token_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
