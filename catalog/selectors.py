"""Reads of the catalog, as queryset methods. Views call these and never hand-roll joins.

This module sits below the models (they use ``CompoundQuerySet`` as their manager), so it reaches
them through ``self.model``, never by importing them.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .relations import Relation
from .validators import CAS_PATTERN, INCHIKEY_PATTERN

# A catalog number as we issue them: letters then digits (VC0006221, CC0000012).
CATALOG_NUMBER_PATTERN = re.compile(r"^[A-Za-z]{1,6}-?\d{3,}$")


def search_conditions(query: str) -> list[Q]:
    """Each way a compound's name or identifiers can match the query (see ``search_branches``)."""
    query = query.strip()
    name_lookup = "name__icontains" if len(query) >= 3 else "name__istartswith"
    conditions = [
        Q(**{name_lookup: query}),
        Q(**{f"synonyms__{name_lookup}": query}),
        Q(cas_number=query),
        Q(catalog_number__iexact=query),
        Q(molecular_formula__iexact=query),
    ]
    upper = query.upper()
    if INCHIKEY_PATTERN.match(upper):
        conditions.append(Q(inchikey=upper))
    elif re.fullmatch(r"[A-Z]{14}", upper):
        conditions.append(Q(inchikey__startswith=upper + "-"))
    return conditions


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
        """Only the columns the list and home pages show (the structure columns say whether there is a
        thumbnail to link; the drawing itself is fetched by the browser from its own URL)."""
        return self.only(
            "name",
            "slug",
            "catalog_number",
            "cas_number",
            "molecular_formula",
            "molecular_weight",
            "first_approval_year",
            "isomeric_smiles",
            "smiles",
            "structure_error",
        )

    def with_properties(
        self,
        *,
        mw_min: Decimal | None = None,
        mw_max: Decimal | None = None,
        clogp_min: Decimal | None = None,
        clogp_max: Decimal | None = None,
        tpsa_min: Decimal | None = None,
        tpsa_max: Decimal | None = None,
        hbd_max: int | None = None,
        hba_max: int | None = None,
        ro5_pass: bool = False,
        year_min: int | None = None,
        year_max: int | None = None,
        has_salt_forms: bool = False,
        has_solubility: bool = False,
    ) -> CompoundQuerySet:
        """Compounds within these property ranges (bounds inclusive; None or False: no condition).

        Every condition is on an indexed column of the compound (Compound.Meta.indexes), or an indexed
        foreign key for "has salt forms". A compound without computed properties (no structure) fails
        every property condition rather than passing it.
        """
        bounds = {
            "molecular_weight__gte": mw_min,
            "molecular_weight__lte": mw_max,
            "clogp__gte": clogp_min,
            "clogp__lte": clogp_max,
            "tpsa__gte": tpsa_min,
            "tpsa__lte": tpsa_max,
            "hbd__lte": hbd_max,
            "hba__lte": hba_max,
            "first_approval_year__gte": year_min,
            "first_approval_year__lte": year_max,
        }
        queryset = self.filter(**{lookup: value for lookup, value in bounds.items() if value is not None})
        if ro5_pass:
            # Lipinski's rule: poor absorption is likely when more than one of the four limits is broken.
            queryset = queryset.filter(ro5_violations__lte=1)
        if has_salt_forms:
            links = self.model._meta.get_field("related_forms").related_model
            salts = links.objects.filter(compound=OuterRef("pk"), relation=Relation.SALT_FORM)
            queryset = queryset.filter(Exists(salts))
        if has_solubility:
            queryset = queryset.filter(solubility_log_s__isnull=False)
        return queryset

    def search_branches(self, query: str) -> list[CompoundQuerySet]:
        """One queryset per way a compound can match the query, each served by its own index.

        Names and synonyms match anywhere from three characters on (a trigram index serves that on
        PostgreSQL), and by prefix below three (where a trigram cannot help). Identifiers match exactly,
        case-insensitively; an InChIKey's first block alone (the skeleton) finds every stereoisomer and
        salt. Kept apart rather than OR-ed together: one big OR makes the database scan the table.
        """
        return [self.filter(condition) for condition in search_conditions(query)]

    def matching_names_or_identifiers(self, query: str) -> CompoundQuerySet:
        """The same matches as ``search_branches`` in one OR: only for a few rows picked by pk first."""
        conditions = search_conditions(query)
        return self.filter(reduce(operator.or_, conditions)).distinct()

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
class Sort:
    """A list order: one column, then id. A nullable column's empty rows come last either way."""

    field: str
    descending: bool = False
    nullable: bool = False


# The list's orders, by the value of its ``sort`` parameter.
SORTS = {
    "name": Sort("name"),
    "-name": Sort("name", descending=True),
    "mw": Sort("molecular_weight"),
    "-mw": Sort("molecular_weight", descending=True),
    "year": Sort("first_approval_year", nullable=True),
    "-year": Sort("first_approval_year", descending=True, nullable=True),
}
BY_NAME = SORTS["name"]


@dataclass(frozen=True)
class KeysetPage:
    """One page of an ordered list, with cursors to its neighbours (no OFFSET, no COUNT)."""

    items: list
    previous_cursor: int | None
    next_cursor: int | None

    @property
    def is_whole_list(self) -> bool:
        return self.previous_cursor is None and self.next_cursor is None


@dataclass(frozen=True)
class _Segment:
    """Rows that sort together: those with a value (ordered by value, id), or those without (by id)."""

    members: Q
    keys: tuple[str, ...]


def _segments(sort: Sort) -> list[_Segment]:
    if not sort.nullable:
        return [_Segment(Q(), (sort.field, "pk"))]
    return [
        _Segment(Q(**{f"{sort.field}__isnull": False}), (sort.field, "pk")),
        _Segment(Q(**{f"{sort.field}__isnull": True}), ("pk",)),
    ]


def _past(keys: tuple[str, ...], anchor: dict, *, downwards: bool) -> Q:
    """Rows after the anchor in (keys) order, ascending unless ``downwards``."""
    strict, loose = ("lt", "lte") if downwards else ("gt", "gte")
    if keys == ("pk",):
        return Q(**{f"pk__{strict}": anchor["pk"]})
    field = keys[0]
    # "v >= x AND (v > x OR id > y)": the first term lets the (v, id) index seek.
    return Q(**{f"{field}__{loose}": anchor[field]}) & (
        Q(**{f"{field}__{strict}": anchor[field]}) | Q(**{f"pk__{strict}": anchor["pk"]})
    )


def keyset_page(
    queryset: CompoundQuerySet,
    *,
    after: int | None,
    before: int | None,
    size: int,
    sort: Sort = BY_NAME,
    branches: list[CompoundQuerySet] | None = None,
) -> KeysetPage:
    """The page after (or before) the compound with that pk, in ``sort`` order.

    Seeking from the boundary row costs the same on page 1 and page 20,000, unlike OFFSET, and
    nothing counts the whole result. An unknown cursor (a deleted compound) gives the first page.
    A nullable sort column is walked in two segments, the rows with a value and then those without,
    each seeking on its own index; a page that spans both costs one more query.

    With ``branches`` (a search), each branch gives its own first rows past the cursor and the
    database orders those few candidates: the page is among them, and no branch's full list of
    matches (a million for a broad query) is ever built. The database sorts, not Python, so its
    collation decides the order everywhere.
    """
    anchor_pk = after if after is not None else before
    anchor = None
    if anchor_pk is not None:
        anchor = queryset.model.objects.filter(pk=anchor_pk).values(sort.field, "pk").first()
    backwards = anchor is not None and before is not None
    segments = _segments(sort)
    at = 0 if anchor is None or anchor[sort.field] is not None else len(segments) - 1
    # Walking back goes through the anchor's segment and those before it, each in reverse.
    walk = list(enumerate(segments))[at::-1] if backwards else list(enumerate(segments))[at:]
    downwards = sort.descending != backwards
    rows: list = []
    for index, segment in walk:
        order = tuple(f"-{key}" if downwards else key for key in segment.keys)
        condition = segment.members
        if anchor is not None and index == at:
            condition &= _past(segment.keys, anchor, downwards=downwards)
        wanted = size + 1 - len(rows)
        candidates = queryset
        if branches is not None:
            found = set()
            for branch in branches:
                found.update(branch.filter(condition).order_by(*order).values_list("pk", flat=True)[:wanted])
            candidates = queryset.filter(pk__in=found)
        rows += candidates.filter(condition).order_by(*order)[:wanted]
        if len(rows) > size:
            break
    if backwards:
        items = rows[:size][::-1]
        previous_cursor = items[0].pk if len(rows) > size else None
        return KeysetPage(items, previous_cursor, items[-1].pk if items else None)
    items = rows[:size]
    next_cursor = items[-1].pk if len(rows) > size else None
    return KeysetPage(items, items[0].pk if anchor is not None and items else None, next_cursor)
