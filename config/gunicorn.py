"""gunicorn's settings for `make serve`, read by everything that runs or measures what it serves.

`make serve`, the test suite's production server (tests/prodserver.py) and `make bench` all start
gunicorn with ``-c config/gunicorn.py``; the address and the number of workers come on the command line.
"""

# A worker that takes longer than this is killed and replaced (structure work is bounded well below it).
timeout = 15
# The longest request line gunicorn accepts (its maximum). Longer query strings reach the app, which
# answers a clear 400 (JSON under /api/); nginx in front refuses lines over 8 KB itself.
limit_request_line = 8190
# Load the app (and build the structure search index, config/wsgi.py) once in the master, before the
# workers fork: they share the index's memory page for page instead of each building its own (about
# 280 MB per worker at a million compounds instead of 760 MB: bench/results/structure-search-1000000.md).
# Nothing else is opened before the fork: the warm-up closes its database connection, and each worker
# makes its own Redis subscription (catalog.revisions) on its first request.
preload_app = True
