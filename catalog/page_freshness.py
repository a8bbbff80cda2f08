"""What revision a compound's page is at, asked as cheaply as correctness allows.

A cached page is keyed by its compound's revision (page_cache.py), so serving it means knowing the
compound's current revision. The database knows, and on SQLite asking it costs a few microseconds. On
PostgreSQL it is a network round trip, which costs more than everything else a warm page does (and
under load a round trip to Redis costs nearly as much: the worker sleeps while it waits).

So with Redis each process remembers the revisions it has read and listens on a Redis channel where
every change is announced. Every transaction that changes what a page shows (everything that bumps
a revision calls ``catalog_changed()``) publishes on the channel once it has committed. Before
trusting anything it remembers, a process reads what has arrived on its subscription (a
non-blocking check of a socket, no round trip) and forgets everything if a change was announced:

- a revision remembered before an announcement is forgotten when the announcement is read, which
  happens before it could be trusted again;
- the publisher waits for a PING's reply after PUBLISH, and Redis has written the message to every
  subscriber's socket by then; so by the time the editor's request returns, every subscribed process
  will find the announcement on its next request.

A process trusts nothing until its subscription is confirmed, and forgets everything when the
subscription breaks (Redis restarted or went away); until it is back it asks the database every time:
slower, never stale. The one gap is an announcement that cannot be published (the publisher loses
Redis while the others keep it); remembered revisions also expire after MAX_TRUST_SECONDS to bound
that, and the failure is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import NamedTuple

import redis
from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger("catalog.page_freshness")

CHANNEL = "catalog:changes"
MAX_TRUST_SECONDS = 30.0
REMEMBERED_REVISIONS = 4096
REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}  # a Redis that does not answer is skipped
RETRY_AFTER_SECONDS = 5.0  # after Redis fails, ask the database for this long before subscribing again

_lock = threading.Lock()  # the subscription and the memory are shared by a process's threads
_remembered: OrderedDict[str, tuple[tuple[int, int], float]] = OrderedDict()
_subscription: redis.Connection | None = None
_subscribed_to = ""
_retry_at = 0.0


def _listening() -> bool:
    """Read what arrived on the subscription; True if what is remembered may be trusted. Holds _lock."""
    global _subscription, _subscribed_to, _retry_at
    url = settings.REDIS_URL
    if not url:
        return False
    try:
        if _subscription is None or _subscribed_to != url:
            if time.monotonic() < _retry_at:
                return False
            _remembered.clear()  # anything read before the subscription was confirmed is suspect
            # RESP2: a RESP3 connection delivers subscription messages as pushes that read_response skips.
            pool = redis.ConnectionPool.from_url(url, protocol=2, **REDIS_OPTIONS)
            _subscription, _subscribed_to = pool.make_connection(), url
            _subscription.connect()
            _subscription.send_command("SUBSCRIBE", CHANNEL)
            _subscription.read_response()  # the confirmation: announcements from now on reach us
            return True
        while _subscription.can_read(timeout=0):
            _subscription.read_response()
            _remembered.clear()  # a change was announced
        return True
    except (redis.RedisError, OSError) as error:
        _remembered.clear()
        if _subscription is not None:
            _subscription.disconnect()
        _subscription, _retry_at = None, time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning("Redis unavailable: revisions come from the database for %ss: %s", RETRY_AFTER_SECONDS, error)
        return False


class PageState(NamedTuple):
    """What a compound page's freshness hangs on: its revision, and when that revision was made."""

    pk: int
    revision: int
    changed_at: datetime


def compound_revision(slug: str) -> PageState | None:
    """The compound's PageState (pk, revision, changed_at), or None if there is no compound with this slug."""
    return _remembered_or_read(f"compound:{slug}", lambda: revision_from_database(slug))


def catalog_revision() -> int:
    """CatalogState's revision: the key of the cached home and list pages."""
    from .models import CatalogState

    return _remembered_or_read("catalog", CatalogState.current)


def _remembered_or_read(key: str, read):
    with _lock:
        listening = _listening()
        if listening:
            remembered = _remembered.get(key)
            if remembered and time.monotonic() - remembered[1] < MAX_TRUST_SECONDS:
                return remembered[0]
    value = read()
    if listening and value is not None:
        with _lock:
            # Remembered even if an announcement arrived meanwhile: the next check reads it and forgets.
            _remembered[key] = (value, time.monotonic())
            _remembered.move_to_end(key)
            while len(_remembered) > REMEMBERED_REVISIONS:
                _remembered.popitem(last=False)
    return value


# Plain DB-API SQL on purpose: this runs on every cached page view, and Django's cursor wrapper and
# the ORM each cost several times more than the indexed lookup itself. Errors still come out as
# Django's (a database outage must reach ops.views.server_error as OperationalError).
def revision_from_database(slug: str) -> PageState | None:
    from .models import Compound

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # Whole seconds (all Last-Modified can say), read as a number: the column's own datetime
        # converter parses text with a regular expression, which cost more than the lookup.
        placeholder, changed = "?", "CAST(strftime('%s', updated_at) AS INTEGER)"
    else:
        placeholder, changed = "%s", "CAST(EXTRACT(EPOCH FROM updated_at) AS BIGINT)"
    sql = f"SELECT id, revision, {changed} FROM {Compound._meta.db_table} WHERE slug = {placeholder}"
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, (slug,))
            row = cursor.fetchone()
        finally:
            cursor.close()
    if row is None:
        return None
    pk, revision, changed_at = row
    return PageState(pk, revision, datetime.fromtimestamp(changed_at, UTC))


def catalog_changed() -> None:
    """Call in the transaction that changes what any page shows; once it commits, the change is announced."""
    transaction.on_commit(announce_change)


def announce_change() -> None:
    forget_remembered()  # this process at least never trusts an old read, even if Redis fails below
    if not settings.REDIS_URL:
        return
    failure: Exception | None = None
    for _attempt in range(3):
        try:
            with redis.Redis.from_url(settings.REDIS_URL, **REDIS_OPTIONS) as client:
                client.publish(CHANNEL, b"changed")
                client.ping()  # replied once Redis has written the message to every subscriber
            return
        except (redis.RedisError, OSError) as error:
            failure = error
    logger.error(
        "could not announce a catalog change on Redis: other servers may serve pages up to %ss old: %s",
        MAX_TRUST_SECONDS,
        failure,
    )


def forget_remembered() -> None:
    with _lock:
        _remembered.clear()
