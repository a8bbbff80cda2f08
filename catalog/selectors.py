"""Reads of the catalog, as queryset methods. Views call these and never hand-roll joins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Prefetch, Q

from .validators import CAS_PATTERN, INCHIKEY_PATTERN

# A catalog number as we issue them: letters then digits (VC0006221, CC0000012).
CATALOG_NUMBER_PATTERN = re.compile(r"^[A-Za-z]{1,6}-?\d{3,}$")


class CompoundQuerySet(models.QuerySet):
    def for_page(self) -> CompoundQuerySet:
        """Everything the compound page shows, in a fixed number of queries whatever the row counts."""
        from .models import RelatedForm, TrialTable

        return self.select_related("melting_point_form").prefetch_related(
            "synonyms",
            "descriptions",
            "pk_parameters",
            Prefetch("trial_tables", queryset=TrialTable.objects.prefetch_related("rows")),
            "sections",
            "references",
            Prefetch("related_forms", queryset=RelatedForm.objects.select_related("related")),
            Prefetch("related_to", queryset=RelatedForm.objects.select_related("compound")),
        )

    def for_list(self) -> CompoundQuerySet:
        """Only the columns the list and home pages show."""
        return self.only("name", "slug", "catalog_number", "cas_number", "molecular_formula", "molecular_weight")

    def search(self, query: str) -> CompoundQuerySet:
        """Compounds whose name or a synonym matches the query, or whose identifiers match it.

        Names and synonyms match anywhere from three characters on (a trigram index serves that on
        PostgreSQL), and by prefix below three (where a trigram cannot help). Identifiers match exactly,
        case-insensitively; an InChIKey's first block alone (the skeleton) finds every stereoisomer and
        salt. Each branch is its own indexed lookup and their ids are combined with UNION, so no branch
        forces a scan of the whole table the way one big OR can.
        """
        from .models import Compound, Synonym

        query = query.strip()
        if not query:
            return self
        name_lookup = "name__icontains" if len(query) >= 3 else "name__istartswith"
        branches = [
            Compound.objects.filter(**{name_lookup: query}).values("pk"),
            Synonym.objects.filter(**{name_lookup: query}).values("compound_id"),
            Compound.objects.filter(cas_number=query).values("pk"),
            Compound.objects.filter(catalog_number__iexact=query).values("pk"),
            Compound.objects.filter(molecular_formula__iexact=query).values("pk"),
        ]
        upper = query.upper()
        if INCHIKEY_PATTERN.match(upper):
            branches.append(Compound.objects.filter(inchikey=upper).values("pk"))
        elif re.fullmatch(r"[A-Z]{14}", upper):
            branches.append(Compound.objects.filter(inchikey__startswith=upper + "-").values("pk"))
        return self.filter(pk__in=branches[0].union(*branches[1:]))

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


def keyset_page(queryset: CompoundQuerySet, *, after: int | None, before: int | None, size: int) -> KeysetPage:
    """The page after (or before) the compound with that pk, in (name, pk) order.

    Seeking from the boundary row costs the same on page 1 and page 20,000, unlike OFFSET, and
    nothing counts the whole result. An unknown cursor (a deleted compound) gives the first page.
    """
    from .models import Compound

    anchor_pk = after if after is not None else before
    anchor = Compound.objects.filter(pk=anchor_pk).values("name", "pk").first() if anchor_pk is not None else None
    if anchor is not None and before is not None:
        earlier = Q(name__lt=anchor["name"]) | Q(name=anchor["name"], pk__lt=anchor["pk"])
        rows = list(queryset.filter(earlier).order_by("-name", "-pk")[: size + 1])
        items = rows[:size][::-1]
        previous_cursor = items[0].pk if len(rows) > size else None
        return KeysetPage(items, previous_cursor, items[-1].pk if items else None)
    if anchor is not None:
        queryset = queryset.filter(Q(name__gt=anchor["name"]) | Q(name=anchor["name"], pk__gt=anchor["pk"]))
    rows = list(queryset.order_by("name", "pk")[: size + 1])
    items = rows[:size]
    next_cursor = items[-1].pk if len(rows) > size else None
    return KeysetPage(items, items[0].pk if anchor is not None and items else None, next_cursor)


def compound_revision(slug: str) -> tuple[int, int] | None:
    """(pk, revision) of the compound with this slug: the key of its cached page.

    Plain SQL on purpose: this runs on every cached page view, and building the ORM query costs
    several times more than the indexed lookup itself.
    """
    from .models import Compound

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, revision FROM {Compound._meta.db_table} WHERE slug = %s", [slug])
        return cursor.fetchone()
