"""Settings for the test suite: fast hashing, plain static storage, a fixed key."""

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY

SECRET_KEY = _SECRET_KEY or "test-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Request log lines would drown pytest's output; tests that need them capture the logger themselves.
LOGGING["loggers"]["ops.requests"]["level"] = "WARNING"  # noqa: F405
