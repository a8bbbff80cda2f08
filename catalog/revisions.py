"""Revisions: what changed on which page, told to every app server, and asked as cheaply as correctness allows.

Every compound has a ``revision`` that goes up with any change to what its page shows (its own
columns, its child rows, its related forms, a linked compound's name), and ``CatalogState`` one that
goes up with any compound change (home, list and search pages). The revision is the key of the cached
page (catalog/page_cache.py), the page's ETag and the admin's edit-conflict token, so it lives in the
database, the one thing all app servers share. ``revisions`` (a ``Revisions``) is the one place that
bumps them (catalog/signals.py calls it; bulk writers such as generate_catalog call it themselves).
``CatalogState.structure_revision`` goes up only when what structure search finds or shows changes (a
structure, a name or slug, a compound added or deleted): every process's search index catches up when it
differs (catalog/structure_index.py), and compound pages carry it for their "Similar compounds" panel.

Serving a cached page means knowing its current revision. On SQLite asking the database costs a few
microseconds; on PostgreSQL it is a network round trip, which costs more than everything else a warm
page does. So with Redis each process remembers the revisions it has read and listens on a Redis
channel where every committed change is announced:

- every transaction that bumps a revision publishes on the channel once it has committed, and waits
  for a PING's reply: Redis has then written the message to every subscriber's socket, so by the time
  the editor's request returns every subscribed process finds the announcement on its next request;
- before trusting anything it remembers, a process reads what has arrived on its subscription (a
  non-blocking check of a socket, no round trip) and forgets everything if a change was announced.

A process trusts nothing until its subscription is confirmed, and forgets everything when the
subscription breaks; until it is back it asks the database every time: slower, never stale. A Redis
that stops answering without closing the socket (frozen) is caught by a lease: a process trusts what
it remembers only while it has heard from Redis within ``LEASE_SECONDS`` (it sends a PING on its
subscription every half lease), and a publisher that cannot announce waits out the lease before the
editor's request returns, so that no process can still trust the old revision by then. A change made
beside the app (straight in psql) is not announced: remembered revisions also expire after
``MAX_TRUST_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import NamedTuple

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import CatalogState, Compound, CompoundChild, RelatedForm, StructureRemoval

logger = logging.getLogger("catalog.revisions")

CHANNEL = "catalog:changes"


class PageState(NamedTuple):
    """What a compound page's freshness hangs on: its revision, the catalog's structure revision (its
    "Similar compounds" panel), and when the later of the two was made."""

    pk: int
    revision: int
    changed_at: datetime
    structure_revision: int = 0


class Revisions:
    """Bumps revisions, announces them over Redis, and remembers the ones it read (per process)."""

    MAX_TRUST_SECONDS = 30.0
    LEASE_SECONDS = 2.0
    REMEMBERED = 4096
    REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}  # a Redis that does not answer is skipped
    RETRY_AFTER_SECONDS = 5.0  # after Redis fails, ask the database for this long before subscribing again

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the subscription and the memory are shared by a process's threads
        self._remembered: OrderedDict[str, tuple[object, float]] = OrderedDict()
        self._subscription: redis.Connection | None = None
        self._subscribed_to = ""
        self._retry_at = 0.0
        self._heard_at = 0.0  # when Redis last answered on the subscription
        self._pinged_at = 0.0
        self._pending = threading.local()  # the announcement this thread's transaction will make

    # -- reading --------------------------------------------------------------------------------

    def compound(self, slug: str) -> PageState | None:
        """The compound's PageState, or None if there is no compound with this slug."""
        return self._remembered_or_read(f"compound:{slug}", lambda: self.compound_from_database(slug))

    def catalog(self) -> int:
        """CatalogState's revision: the key of the cached home and list pages."""
        return self._remembered_or_read("catalog", CatalogState.current)

    def structure(self) -> int:
        """CatalogState's structure revision: what the structure search index must have caught up with."""
        return self._remembered_or_read("structure", CatalogState.current_structure)

    # One raw statement rather than the ORM: this runs on every cached page view, where a queryset costs
    # about ten times this statement (270 against 25 microseconds on SQLite, measured on our machine).
    @staticmethod
    def compound_from_database(slug: str) -> PageState | None:
        if connection.vendor == "sqlite":
            # Whole seconds (all Last-Modified can say), read as a number: the column's own datetime
            # converter parses text with a regular expression, which cost more than the lookup.
            seconds = "CAST(strftime('%%s', {}) AS INTEGER)"  # %% : Django's cursor formats %s parameters
        else:
            seconds = "CAST(FLOOR(EXTRACT(EPOCH FROM {})) AS BIGINT)"  # cut, not rounded
        # The catalog's structure revision comes along in the same statement (a one-row subquery): the
        # page's "Similar compounds" panel depends on it.
        state = CatalogState._meta.db_table
        sql = (
            f"SELECT id, revision, {seconds.format('updated_at')}, "
            f"(SELECT structure_revision FROM {state} WHERE id = 1), "
            f"(SELECT {seconds.format('structure_changed_at')} FROM {state} WHERE id = 1) "
            f"FROM {Compound._meta.db_table} WHERE slug = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [slug])
            row = cursor.fetchone()
        if row is None:
            return None
        pk, revision, changed_at, structure_revision, structure_changed_at = row
        changed_at = max(changed_at, structure_changed_at or 0)
        return PageState(pk, revision, datetime.fromtimestamp(changed_at, UTC), structure_revision or 0)

    def _remembered_or_read(self, key: str, read):
        with self._lock:
            trusted = self._listening()
            if trusted:
                remembered = self._remembered.get(key)
                if remembered and time.monotonic() - remembered[1] < self.MAX_TRUST_SECONDS:
                    return remembered[0]
        value = read()
        if trusted and value is not None:
            with self._lock:
                # Remembered even if an announcement arrived meanwhile: the next check reads it and forgets.
                self._remembered[key] = (value, time.monotonic())
                self._remembered.move_to_end(key)
                while len(self._remembered) > self.REMEMBERED:
                    self._remembered.popitem(last=False)
        return value

    def _listening(self) -> bool:
        """Read what arrived on the subscription; True if what is remembered may be trusted. Holds _lock."""
        url = settings.REDIS_URL
        if not url:
            return False
        now = time.monotonic()
        try:
            if self._subscription is None or self._subscribed_to != url:
                return self._subscribe(url, now)
            while self._subscription.can_read(timeout=0):
                kind = self._subscription.read_response()[0]
                self._heard_at = now
                if kind == b"message":
                    self._remembered.clear()  # a change was announced
            if now - self._pinged_at > self.LEASE_SECONDS / 2:
                self._subscription.send_command("PING")  # its reply, read on a later call, renews the lease
                self._pinged_at = now
            if now - self._heard_at > self.LEASE_SECONDS:
                self._remembered.clear()  # Redis has gone quiet: it may be holding an announcement back
                return False
            return True
        except (redis.RedisError, OSError) as error:
            self._remembered.clear()
            if self._subscription is not None:
                self._subscription.disconnect()
            self._subscription, self._retry_at = None, now + self.RETRY_AFTER_SECONDS
            wait = self.RETRY_AFTER_SECONDS
            logger.warning("Redis unavailable: revisions come from the database for %ss: %s", wait, error)
            return False

    def _subscribe(self, url: str, now: float) -> bool:
        if now < self._retry_at:
            return False
        self._remembered.clear()  # anything read before the subscription was confirmed is suspect
        # RESP2: a RESP3 connection delivers subscription messages as pushes that read_response skips.
        pool = redis.ConnectionPool.from_url(url, protocol=2, **self.REDIS_OPTIONS)
        self._subscription, self._subscribed_to = pool.make_connection(), url
        self._subscription.connect()
        self._subscription.send_command("SUBSCRIBE", CHANNEL)
        self._subscription.read_response()  # the confirmation: announcements from now on reach us
        self._heard_at = self._pinged_at = now
        return True

    def forget(self) -> None:
        """Trust nothing remembered until it is read again."""
        with self._lock:
            self._remembered.clear()

    def reset(self) -> None:
        """As a new process: no memory, no subscription (tests, and after a fork)."""
        with self._lock:
            self._remembered.clear()
            if self._subscription is not None:
                self._subscription.disconnect()
            self._subscription, self._subscribed_to, self._retry_at = None, "", 0.0

    # -- writing --------------------------------------------------------------------------------

    def bump(self, compound_ids: Iterable[int]) -> None:
        """A new revision for these compounds' pages (their cached copies are never served again)."""
        ids = {pk for pk in compound_ids if pk is not None}
        if ids:
            Compound.objects.filter(pk__in=ids).update(revision=F("revision") + 1, updated_at=timezone.now())
            self.announce_on_commit()

    def catalog_changed(self) -> None:
        """A new catalog revision: home, list and search pages are rendered afresh."""
        if not CatalogState.objects.filter(pk=1).update(revision=F("revision") + 1):
            CatalogState.objects.get_or_create(pk=1, defaults={"revision": 1})
        self.announce_on_commit()

    def structure_changed(self) -> None:
        """A new structure revision: every server's search index catches up, every "Similar compounds" panel
        (so every compound page) is rendered afresh."""
        now = timezone.now()
        if not CatalogState.objects.filter(pk=1).update(
            structure_revision=F("structure_revision") + 1, structure_changed_at=now
        ):
            CatalogState.objects.get_or_create(pk=1, defaults={"structure_revision": 1, "structure_changed_at": now})
        self.announce_on_commit()

    def structures_removed(self, compound_ids: Iterable[int]) -> None:
        """These compounds were deleted: every server's search index drops them (catalog/structure_index.py)."""
        StructureRemoval.objects.bulk_create(StructureRemoval(compound_id=pk) for pk in compound_ids)
        self.structure_changed()

    def compound_saved(self, compound: Compound) -> None:
        # Its own revision went up in Compound.save(); the pages that show it need a new one too.
        self.catalog_changed()
        self.bump(self.linked_compound_ids(compound.pk))
        if compound.structure_changed:  # set by refresh_structure: structure, name or slug changed
            compound.structure_changed = False
            self.structure_changed()

    def compound_deleting(self, compound: Compound) -> None:
        # Before the delete: afterwards the compounds that borrowed its melting point no longer point to it
        # (SET_NULL is a plain UPDATE that sends no signal), yet their cached pages still link to it.
        self.bump(self.linked_compound_ids(compound.pk))

    def compound_deleted(self, compound: Compound) -> None:
        self.catalog_changed()  # links to it are deleted with it, and each deletion bumps the other side
        self.structures_removed([compound.pk])

    def child_changed(self, row: CompoundChild) -> None:
        self.bump(row.page_compound_ids())

    def child_saving(self, row: CompoundChild) -> None:
        """Before a stored row is saved: if it moves (a trial table to another compound, a link to another
        form), the pages that showed it where it was stop showing it, so they need a new revision too."""
        if row.pk is None:
            return
        stored = type(row).objects.filter(pk=row.pk).first()
        if stored is not None:
            self.bump(stored.page_compound_ids() - row.page_compound_ids())

    @staticmethod
    def linked_compound_ids(compound_id: int) -> set[int]:
        """Compounds whose pages show this one: its related forms (both ways) and forms it lends data to."""
        links = RelatedForm.objects.filter(Q(compound_id=compound_id) | Q(related_id=compound_id))
        ids = {pk for pair in links.values_list("compound_id", "related_id") for pk in pair}
        ids |= set(Compound.objects.filter(melting_point_form_id=compound_id).values_list("pk", flat=True))
        ids.discard(compound_id)
        return ids

    def announce_on_commit(self) -> None:
        """Once the current transaction commits, tell every server that something a page shows changed.

        One announcement per transaction, however many rows it changed: each call replaces the thread's
        pending token, and only the callback holding the latest one publishes (a transaction's callbacks
        run in order once it commits; a rolled-back one's are dropped, and the next transaction's token
        replaces its token).
        """
        token = object()
        self._pending.token = token
        transaction.on_commit(lambda: self._announce_if_latest(token))

    def _announce_if_latest(self, token: object) -> None:
        if getattr(self._pending, "token", None) is token:
            self._pending.token = None
            self.announce()

    def announce(self) -> None:
        self.forget()  # this process at least never trusts an old read, even if Redis fails below
        if not settings.REDIS_URL:
            return
        started = time.monotonic()
        failure: Exception | None = None
        for _attempt in range(3):
            try:
                with redis.Redis.from_url(settings.REDIS_URL, **self.REDIS_OPTIONS) as client:
                    client.publish(CHANNEL, b"changed")
                    client.ping()  # replied once Redis has written the message to every subscriber
                return
            except (redis.RedisError, OSError) as error:
                failure = error
        # Nobody heard it. A process that last heard from Redis before we started trying stops trusting
        # its memory a lease later; wait until then, so the editor's next request is fresh everywhere.
        time.sleep(max(0.0, started + self.LEASE_SECONDS - time.monotonic()))
        logger.error(
            "could not announce a catalog change on Redis (%s); waited out the %ss lease, so other servers "
            "read revisions from the database until Redis answers again",
            failure,
            self.LEASE_SECONDS,
        )


revisions = Revisions()
