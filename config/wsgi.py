"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()

# The structure search index is built here, once: with gunicorn's preload_app (config/gunicorn.py) before
# the workers fork, so that they share its memory. It closes the database connection it used, so that no
# worker inherits a socket another process also talks on.
from catalog.structure_index import structure_index  # noqa: E402 (needs the app set up above)

structure_index.warm()
