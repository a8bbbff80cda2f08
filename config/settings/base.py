"""Settings shared by every environment. Values that differ per machine come from the environment."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# numpy's OpenBLAS starts a thread per core when imported (with the apps, below). Nothing here does linear
# algebra, and a process with idle BLAS threads must not fork: catalog.bounded forks a child for each risky
# RDKit call, and a fork while another thread holds a lock can deadlock the child. Read at numpy's import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Only dev.py and test.py fall back to a throwaway key; see there.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "simple_history",
    "import_export",
    "nested_admin",
    "axes",
    "catalog",
    "calculator",
    "ops",
]

MIDDLEWARE = [
    "ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ops.middleware.RefuseNulMiddleware",
    # Decides what HTTP caches may keep; above everything that sets cookies, so it sees them all.
    "ops.http_cache.HttpCachePolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Above WhiteNoise and the page cache, so static files and cached pages carry the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Warm compound pages are answered here, skipping what follows (see catalog/middleware.py).
    "catalog.middleware.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The admin lives at a path of the operator's choosing, so bots probing /admin/ find nothing.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

# Login throttling: five failures for a username from one address lock it out for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# "One address" is the client's, also behind a proxy: X-Forwarded-For is believed only from these
# proxies (addresses or networks; ops/client_ip.py). Empty: every request is its own REMOTE_ADDR.
# Parsed here so that a mistyped entry stops the start instead of failing each sign-in.
TRUSTED_PROXIES = [str(ipaddress.ip_network(proxy, strict=False)) for proxy in env_list("DJANGO_TRUSTED_PROXIES")]
AXES_CLIENT_IP_CALLABLE = "ops.client_ip.client_ip"

# Security headers on every response. No inline script or style anywhere (htmx is told not to inject
# its indicator styles), so the policy needs neither 'unsafe-inline' nor 'unsafe-eval'. No nonces
# either: a nonce would make every page unique and so uncacheable.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Our own page (no inline style, nothing about settings), and JSON under /api/.
CSRF_FAILURE_VIEW = "ops.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env() -> dict:
    """DATABASE_URL when set (PostgreSQL in CI and production), else a SQLite file in the project.

    Both go through the same parsing, so the default that `make serve` runs keeps its connections open
    exactly as a configured database does (a new SQLite connection per request, with its pragmas, cost
    two thirds of a cached page's throughput). SQLite runs in WAL mode with a busy timeout and IMMEDIATE
    transactions so that concurrent admin writes and page reads wait for each other instead of failing
    with "database is locked".
    """
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    # No per-request health check: it costs a round trip on every request. A connection that broke
    # (the server restarted) fails one request with a 503 and is then discarded by Django.
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=False)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the server is away, so the page says 503 within seconds instead of hanging;
        # TCP keepalives and a user timeout notice a server or link that went silent mid-connection.
        config["OPTIONS"] = {
            "connect_timeout": 3,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": 5000,
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Short timeouts: a Redis that does not answer is bypassed, not waited for.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SITE_NAME = "Compound Catalog"
# How long a rendered compound page (and the list's first page) may be served from the cache; edits
# never wait for this, since the cache key carries the revision (catalog/page_cache.py). 0 turns it off.
CATALOG_PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "3600"))
CATALOG_PAGE_SIZE = 20
# How long browsers and shared caches (nginx, a CDN) may keep a public page before revalidating it, and
# then serve it stale while they do (ops/http_cache.py; the README says why 60 s).
HTTP_CACHE_SECONDS = int(os.environ.get("DJANGO_HTTP_CACHE_SECONDS", "60"))

# Where the calculator widget's own endpoint finds the compound it is about (slug -> WidgetSubject | None):
# named here rather than imported, so that the calculator depends on nothing in the catalog.
CALCULATOR_WIDGET_SUBJECT = "catalog.calculator_widget.widget_subject"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # One JSON line per request (ops.middleware.RequestLogMiddleware); DJANGO_REQUEST_LOG=false silences it.
    "loggers": {
        "ops.requests": {
            "handlers": ["console"],
            "level": "INFO" if env_bool("DJANGO_REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        }
    },
}
