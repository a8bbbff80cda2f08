"""Reads of the catalog, as queryset methods. Views call these and never hand-roll joins.

This module sits below the models (they use ``CompoundQuerySet`` as their manager), so it reaches
them through ``self.model``, never by importing them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .validators import CAS_PATTERN, INCHIKEY_PATTERN

# A catalog number as we issue them: letters then digits (VC0006221, CC0000012).
CATALOG_NUMBER_PATTERN = re.compile(r"^[A-Za-z]{1,6}-?\d{3,}$")


class CompoundQuerySet(models.QuerySet):
    def for_page(self) -> CompoundQuerySet:
        """Everything the compound page shows, in a fixed number of queries whatever the row counts.

        One query for the compound (with the form its melting point was measured on), then one per
        child table (``Compound.page_prefetches``: every CompoundChild, related forms either way).
        """
        return self.select_related("melting_point_form").prefetch_related(*self.model.page_prefetches())

    def with_same_cas(self, compound) -> CompoundQuerySet:
        """Other compounds with this compound's CAS number (none when it has none)."""
        if not compound.cas_number:
            return self.none()
        return self.filter(cas_number=compound.cas_number).exclude(pk=compound.pk).only("name", "catalog_number")

    def for_list(self) -> CompoundQuerySet:
        """Only the columns the list and home pages show."""
        return self.only("name", "slug", "catalog_number", "cas_number", "molecular_formula", "molecular_weight")

    def search_branches(self, query: str) -> list[CompoundQuerySet]:
        """One queryset per way a compound can match the query, each served by its own index.

        Names and synonyms match anywhere from three characters on (a trigram index serves that on
        PostgreSQL), and by prefix below three (where a trigram cannot help). Identifiers match exactly,
        case-insensitively; an InChIKey's first block alone (the skeleton) finds every stereoisomer and
        salt. Kept apart rather than OR-ed together: one big OR makes the database scan the table.
        """
        query = query.strip()
        name_lookup = "name__icontains" if len(query) >= 3 else "name__istartswith"
        branches = [
            self.filter(**{name_lookup: query}),
            self.filter(**{f"synonyms__{name_lookup}": query}),
            self.filter(cas_number=query),
            self.filter(catalog_number__iexact=query),
            self.filter(molecular_formula__iexact=query),
        ]
        upper = query.upper()
        if INCHIKEY_PATTERN.match(upper):
            branches.append(self.filter(inchikey=upper))
        elif re.fullmatch(r"[A-Z]{14}", upper):
            branches.append(self.filter(inchikey__startswith=upper + "-"))
        return branches

    def by_exact_identifier(self, query: str) -> CompoundQuerySet:
        """Compounds that a CAS number, catalog number or InChIKey names exactly (for a direct jump)."""
        query = query.strip()
        if CAS_PATTERN.match(query):
            return self.filter(cas_number=query)
        if INCHIKEY_PATTERN.match(query.upper()):
            return self.filter(inchikey=query.upper())
        if CATALOG_NUMBER_PATTERN.match(query):
            return self.filter(catalog_number__iexact=query)
        return self.none()


@dataclass(frozen=True)
class KeysetPage:
    """One page of a name-ordered list, with cursors to its neighbours (no OFFSET, no COUNT)."""

    items: list
    previous_cursor: int | None
    next_cursor: int | None

    @property
    def is_whole_list(self) -> bool:
        return self.previous_cursor is None and self.next_cursor is None


def keyset_page(
    queryset: CompoundQuerySet,
    *,
    after: int | None,
    before: int | None,
    size: int,
    branches: list[CompoundQuerySet] | None = None,
) -> KeysetPage:
    """The page after (or before) the compound with that pk, in (name, pk) order.

    Seeking from the boundary row costs the same on page 1 and page 20,000, unlike OFFSET, and
    nothing counts the whole result. An unknown cursor (a deleted compound) gives the first page.

    With ``branches`` (a search), each branch gives its own first rows past the cursor and the
    database orders those few candidates: the page is among them, and no branch's full list of
    matches (a million for a broad query) is ever built. The database sorts, not Python, so its
    collation decides the order everywhere.
    """
    anchor_pk = after if after is not None else before
    anchor = queryset.model.objects.filter(pk=anchor_pk).values("name", "pk").first() if anchor_pk is not None else None
    backwards = anchor is not None and before is not None
    order = ("-name", "-pk") if backwards else ("name", "pk")
    if anchor is None:
        past_cursor = Q()
    elif backwards:
        # "name <= x AND (name < x OR id < y)": the first term lets the (name, id) index seek.
        past_cursor = Q(name__lte=anchor["name"]) & (Q(name__lt=anchor["name"]) | Q(pk__lt=anchor["pk"]))
    else:
        past_cursor = Q(name__gte=anchor["name"]) & (Q(name__gt=anchor["name"]) | Q(pk__gt=anchor["pk"]))
    if branches is not None:
        candidates = set()
        for branch in branches:
            candidates.update(branch.filter(past_cursor).order_by(*order).values_list("pk", flat=True)[: size + 1])
        queryset = queryset.filter(pk__in=candidates)
    rows = list(queryset.filter(past_cursor).order_by(*order)[: size + 1])
    if backwards:
        items = rows[:size][::-1]
        previous_cursor = items[0].pk if len(rows) > size else None
        return KeysetPage(items, previous_cursor, items[-1].pk if items else None)
    items = rows[:size]
    next_cursor = items[-1].pk if len(rows) > size else None
    return KeysetPage(items, items[0].pk if anchor is not None and items else None, next_cursor)
