"""This process's structure search index (catalog.structure_search), built from the database and kept fresh.

One index per process, held here: a read-only cache of what the database says (each compound's computed
canonical SMILES and stored fingerprint blob), never the source of anything, so processes need not agree
on anything (DESIGN.md allows a per-server in-memory search index refreshed on the change announcements).
It is built on the first search, or before gunicorn forks its workers (``warm``, called by config/wsgi.py
with ``preload_app`` in config/gunicorn.py), so that the workers share its memory.

Freshness. Every change to what structure search finds or shows bumps ``CatalogState.structure_revision``
in the changing transaction (catalog.revisions.structure_changed): a structure, a name or slug (a
compound's ``structure_changed_at`` is then set too), a new compound, a deleted one (logged as a
``StructureRemoval``). Before each search the index compares that revision (remembered per process and
forgotten on Redis announcements, as every revision is) with the one it last caught up with; when they
differ it reads the rows changed, and the removals logged, since it last looked, minus ``MARGIN`` (the
timestamps come from the writers' clocks, set before their transactions commit), and applies those it has
not applied yet. So a structure edit shows in the next search on every app server. A change beside the
app (straight in SQL) is seen once something bumps the revision, or after a restart.

A catch-up adds the changed rows together; one of more than ``REBUILD_AFTER`` rows (generate_catalog's scale)
rebuilds the index instead, inside the request that finds it: restart the servers after such a bulk write
(gunicorn's preload builds the index before the workers fork).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import DatabaseError, connections
from django.utils import timezone

from .models import CatalogState, Compound, StructureRemoval
from .revisions import revisions
from .structure_search import StructureIndex
from .structure_search.index import Row

logger = logging.getLogger("catalog.structure_index")

# How far back before its last look a catch-up reads: longer than any writing transaction lasts after it
# stamps its rows (the reference import's bulk write, some seconds) plus the clock skew between servers.
MARGIN = timedelta(minutes=2)
# Catching up with more rows than this rebuilds the index, folding the changed rows into its main part
# (at a million compounds a rebuild takes about 12 s; indexing 100,000 changed rows together, about 2 s).
REBUILD_AFTER = 100_000
COLUMNS = ("pk", "computed_canonical_smiles", "structure_fingerprint")


def index_rows() -> Iterator[Row]:
    """Every indexable compound as (id, canonical SMILES, blob), in id order, streamed from the database."""
    rows = Compound.objects.exclude(computed_canonical_smiles="").order_by("pk").values_list(*COLUMNS)
    return rows.iterator(chunk_size=10_000)


class StructureIndexHolder:
    """The process's index, built lazily and brought up to date before each use (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: StructureIndex | None = None
        self._seen = -1  # the structure revision the index has caught up with
        self._looked_at: datetime | None = None  # when the last build or catch-up started reading
        self._applied: dict[int, datetime] = {}  # changes within the margin already applied, by id
        self.built_in_s = 0.0

    @property
    def built(self) -> bool:
        return self._index is not None

    def current(self, revision: int | None = None) -> StructureIndex:
        """The index, caught up with every structure change committed before this call (or before the caller
        read ``revision``, the structure revision)."""
        if revision is None:
            revision = revisions.structure()  # read before the rows: a change after it bumps it again
        with self._lock:
            if self._index is None:
                self._build(revision)
            elif revision != self._seen:
                self._catch_up(revision)
            return self._index

    def warm(self) -> None:
        """Build now (before gunicorn forks), leaving no database connection or Redis subscription open.

        The revision is read straight from the database: revisions' Redis subscription must be made by
        each worker, not shared through the fork. A database that does not answer leaves the build to the
        first search.
        """
        try:
            with self._lock:
                self._build(CatalogState.current_structure())
        except DatabaseError as error:
            logger.warning("Structure index not built at start-up (%s); the first search builds it.", error)
        finally:
            connections.close_all()

    def reset(self) -> None:
        """Forget the index (tests; the next search builds it afresh)."""
        with self._lock:
            self._index, self._seen, self._looked_at, self._applied = None, -1, None, {}

    def _build(self, revision: int) -> None:
        started, clock = timezone.now(), time.monotonic()
        recent = self._changed_since(started - MARGIN)  # in the build already: the first catch-up skips them
        index = StructureIndex.build(index_rows())
        self._index, self._seen, self._looked_at, self._applied = index, revision, started, recent
        self.built_in_s = time.monotonic() - clock
        logger.info("Structure index built: %d compounds in %.1f s.", len(index), self.built_in_s)

    def _catch_up(self, revision: int) -> None:
        started = timezone.now()
        since = self._looked_at - MARGIN
        changed = self._changed_since(since)
        todo = sorted(pk for pk, at in changed.items() if self._applied.get(pk) != at)
        if len(todo) + self._index.pending > REBUILD_AFTER:
            self._build(revision)
            return
        index, structures = self._index, []
        for start in range(0, len(todo), 500):
            rows = Compound.objects.filter(pk__in=todo[start : start + 500]).order_by("pk").values_list(*COLUMNS)
            for pk, smiles, blob in rows:
                if smiles:
                    structures.append((pk, smiles, blob))
                else:
                    index.remove(pk)  # its structure no longer parses, or was cleared
        index.add_many(structures)  # together: the index copies its arrays once (over the size limits: removed)
        for pk in StructureRemoval.objects.filter(removed_at__gte=since).values_list("compound_id", flat=True):
            index.remove(pk)
        self._seen, self._looked_at, self._applied = revision, started, changed

    @staticmethod
    def _changed_since(since: datetime) -> dict[int, datetime]:
        rows = (
            Compound.objects.filter(structure_changed_at__gte=since)
            .order_by()
            .values_list("pk", "structure_changed_at")
        )
        return dict(rows)


structure_index = StructureIndexHolder()
