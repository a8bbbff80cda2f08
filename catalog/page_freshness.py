"""What revision a compound's page is at, asked as cheaply as correctness allows.

A cached page is keyed by its compound's revision (page_cache.py), so serving it means knowing the
compound's current revision. The database knows, and on SQLite asking it is a few microseconds. On
PostgreSQL it is a network round trip, which on a warm page costs more than everything else together.

So with Redis each process remembers the revisions it has read, each tagged with the *catalog epoch*
it read from Redis just before asking the database. Every transaction that changes what a page shows
(everything that bumps a revision calls ``catalog_changed()``) sets a new random epoch once it has
committed. A remembered revision is trusted only while the epoch is still the one it was read under:

- read under epoch E, the database answer came after E was set, so it includes every change whose
  new epoch was E or earlier;
- a change that commits later sets a new epoch before its request returns, so from the next request
  on, on every server, nothing read under E is trusted any more.

Epochs are random tokens, never counters, so a Redis that restarts empty cannot bring an old one
back. Without Redis, or while it does not answer, every request asks the database: slower, never
stale. The one gap is a change whose new epoch cannot be written (Redis lost between commit and
publish while other servers still reach it); remembered revisions also expire after MAX_TRUST_SECONDS
to bound that, and the failure is logged.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict

import redis
from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger("catalog.page_freshness")

EPOCH_KEY = "catalog:epoch"
MAX_TRUST_SECONDS = 30.0
REMEMBERED_REVISIONS = 4096
RETRY_AFTER_SECONDS = 5.0  # after Redis fails, ask the database for this long before trying Redis again

_lock = threading.Lock()
_remembered: OrderedDict[str, tuple[str, tuple[int, int], float]] = OrderedDict()
_client: redis.Redis | None = None
_redis_down_until = 0.0


def _redis() -> redis.Redis | None:
    global _client
    if not settings.REDIS_URL:
        return None
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    return _client


def _current_epoch() -> str | None:
    """The epoch in Redis (created if Redis has none), or None: no Redis, or it is not answering."""
    global _redis_down_until
    client = _redis()
    if client is None or time.monotonic() < _redis_down_until:
        return None
    try:
        epoch = client.get(EPOCH_KEY)
        if epoch is None:  # a fresh or restarted Redis: start an epoch nothing was read under
            client.set(EPOCH_KEY, secrets.token_hex(8), nx=True)
            return None
        return epoch.decode()
    except (redis.RedisError, OSError) as error:
        _redis_down_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning("Redis unavailable: revisions come from the database for %ss: %s", RETRY_AFTER_SECONDS, error)
        return None


def compound_revision(slug: str) -> tuple[int, int] | None:
    """(pk, revision) of the compound with this slug, or None if there is none."""
    epoch = _current_epoch()  # read before the database: see the module docstring
    if epoch is not None:
        with _lock:
            remembered = _remembered.get(slug)
        if remembered and remembered[0] == epoch and time.monotonic() - remembered[2] < MAX_TRUST_SECONDS:
            return remembered[1]
    revision = revision_from_database(slug)
    if epoch is not None and revision is not None:
        with _lock:
            _remembered[slug] = (epoch, revision, time.monotonic())
            _remembered.move_to_end(slug)
            while len(_remembered) > REMEMBERED_REVISIONS:
                _remembered.popitem(last=False)
    return revision


# Plain DB-API SQL on purpose: this runs on every cached page view, and Django's cursor wrapper and
# the ORM each cost several times more than the indexed lookup itself. Errors still come out as
# Django's (a database outage must reach ops.views.server_error as OperationalError).
def revision_from_database(slug: str) -> tuple[int, int] | None:
    from .models import Compound

    connection.ensure_connection()
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    sql = f"SELECT id, revision FROM {Compound._meta.db_table} WHERE slug = {placeholder}"
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, (slug,))
            return cursor.fetchone()
        finally:
            cursor.close()


def catalog_changed() -> None:
    """Call in the transaction that changes what any page shows; once it commits, a new epoch starts."""
    transaction.on_commit(publish_new_epoch)


def publish_new_epoch() -> None:
    forget_remembered()  # this process at least never trusts an old read, even if Redis fails below
    client = _redis()
    if client is None:
        return
    for _attempt in range(3):
        try:
            client.set(EPOCH_KEY, secrets.token_hex(8))
            return
        except (redis.RedisError, OSError) as error:
            failure = error
    logger.error(
        "could not publish a catalog change to Redis: other servers may serve pages up to %ss old: %s",
        MAX_TRUST_SECONDS,
        failure,
    )


def forget_remembered() -> None:
    with _lock:
        _remembered.clear()
