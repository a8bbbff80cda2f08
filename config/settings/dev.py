"""Local development: DEBUG on unless the environment says otherwise."""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY

if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # A throwaway key, acceptable only because DEBUG is on and this is a developer's machine.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
