"""Reads of the catalog, as queryset methods. Views call these and never hand-roll joins."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Prefetch, Q

from .validators import CAS_PATTERN, INCHIKEY_PATTERN

# A catalog number as we issue them: letters then digits (VC0006221, CC0000012).
CATALOG_NUMBER_PATTERN = re.compile(r"^[A-Za-z]{1,6}-?\d{3,}$")


# What the page, the calculator's vial choice and the salt checks read of a linked compound; loading
# only these (not its ~50 columns and stored drawing) makes the page's queries markedly cheaper.
LINKED_COMPOUND_COLUMNS = ("name", "slug", "molecular_weight", "molecular_formula", "computed_inchikey")


def link_columns(side: str) -> list[str]:
    return ["compound", "related", "relation", "position", *(f"{side}__{c}" for c in LINKED_COMPOUND_COLUMNS)]


class CompoundQuerySet(models.QuerySet):
    def for_page(self) -> CompoundQuerySet:
        """Everything the compound page shows, in a fixed number of queries whatever the row counts.

        The page itself loads through ``compound_for_page()``, which reads the same with plain SQL;
        this is the ORM's statement of what that must return (the tests compare the two).
        """
        from .models import RelatedForm, TrialTable

        return self.select_related("melting_point_form").prefetch_related(
            "synonyms",
            "descriptions",
            "pk_parameters",
            Prefetch("trial_tables", queryset=TrialTable.objects.prefetch_related("rows")),
            "sections",
            "references",
            Prefetch(
                "related_forms", queryset=RelatedForm.objects.select_related("related").only(*link_columns("related"))
            ),
            Prefetch(
                "related_to", queryset=RelatedForm.objects.select_related("compound").only(*link_columns("compound"))
            ),
        )

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
    from .models import Compound

    anchor_pk = after if after is not None else before
    anchor = Compound.objects.filter(pk=anchor_pk).values("name", "pk").first() if anchor_pk is not None else None
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


@functools.cache
def _converters(model, attnames: tuple[str, ...], vendor: str) -> list:
    """(position, converters, column) for each of these fields whose database value needs converting.

    The same converters a queryset applies (decimals and booleans on SQLite, for instance), worked out
    once per model and column list instead of per query, as ``raw()`` does. The converters keep no
    state of the connection they came from; each call is handed the current one.
    """
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    found = []
    for position, attname in enumerate(attnames):
        column = by_attname[attname].get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            found.append((position, functions, column))
    return found


def _instances(model, attnames: tuple[str, ...], rows: list) -> list:
    """Model instances from rows whose first values are these fields', in the model's field order.

    A row may carry more values after them (another table's, read by the caller); they are ignored here.
    """
    converters = _converters(model, attnames, connection.vendor)
    every_field = len(attnames) == len(model._meta.concrete_fields)
    instances = []
    for row in rows:
        values = list(row[: len(attnames)])
        for position, functions, column in converters:
            value = values[position]
            for convert in functions:
                value = convert(value, column, connection)
            values[position] = value
        instances.append(model.from_db(connection.alias, None if every_field else attnames, values))
    return instances


def _select(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(model, attnames: tuple[str, ...], alias: str) -> str:
    by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
    return ", ".join(f"{alias}.{by_attname[name]}" for name in attnames)


def _set_prefetched(instance, relation: str, rows: list) -> None:
    """Leave ``rows`` where ``prefetch_related`` would, so ``instance.<relation>.all()`` reads them."""
    queryset = getattr(instance, relation).get_queryset()  # lazy: filtering it would query as usual
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


# The page's child tables of text and integers, read in one UNION ALL (no column needs converting).
PAGE_CHILDREN = ("synonyms", "descriptions", "pk_parameters", "trial_tables", "sections", "references")
KEY_COLUMNS = ("id", "compound_id", "position")


@dataclass(frozen=True)
class _PageQueries:
    """The page loader's statements and the fields each reads, built once per process."""

    compound_fields: tuple[str, ...]
    compound_sql: str
    child_models: list
    child_texts: list[list[str]]
    children_sql: str
    trial_row_fields: tuple[str, ...]
    trial_rows_sql: str  # {placeholders}: one %s per trial table
    linked_fields: tuple[str, ...]
    link_fields: tuple[str, ...]
    links_sql: str


@functools.cache
def _page_queries() -> _PageQueries:
    from .models import Compound, RelatedForm, TrialRow

    table = Compound._meta.db_table
    compound_fields = tuple(f.attname for f in Compound._meta.concrete_fields)

    models = [Compound._meta.get_field(relation).related_model for relation in PAGE_CHILDREN]
    texts = [[f.column for f in m._meta.concrete_fields if f.column not in KEY_COLUMNS] for m in models]
    width = max(len(columns) for columns in texts)
    # Same column types in every branch: the keys first, then text padded with NULLs.
    children = " UNION ALL ".join(
        f"SELECT {part} AS part, {', '.join([*KEY_COLUMNS, *columns, *['NULL'] * (width - len(columns))])}"
        f" FROM {model._meta.db_table} WHERE compound_id = %s"
        for part, (model, columns) in enumerate(zip(models, texts, strict=True))
    )

    trial_row_fields = tuple(f.attname for f in TrialRow._meta.concrete_fields)
    linked = ("id", *LINKED_COMPOUND_COLUMNS)
    linked_fields = tuple(f.attname for f in Compound._meta.concrete_fields if f.name in linked)
    link_fields = tuple(f.attname for f in RelatedForm._meta.concrete_fields)
    return _PageQueries(
        compound_fields=compound_fields,
        compound_sql=f"SELECT {_columns(Compound, compound_fields, 'c')}, mp.name, mp.slug FROM {table} c"
        f" LEFT JOIN {table} mp ON mp.id = c.melting_point_form_id WHERE c.slug = %s",
        child_models=models,
        child_texts=texts,
        children_sql=f"{children} ORDER BY part, position, id",
        # By the tables' ids, not a join: a join's plan hangs on row estimates (a seq scan at 1M).
        trial_rows_sql=f"SELECT {_columns(TrialRow, trial_row_fields, 'r')} FROM {TrialRow._meta.db_table} r"
        " WHERE r.table_id IN ({placeholders}) ORDER BY r.position, r.id",
        trial_row_fields=trial_row_fields,
        linked_fields=linked_fields,
        link_fields=link_fields,
        # Links either way in one query, each row the compound at the other end (LINKED_COMPOUND_COLUMNS).
        links_sql=f"SELECT {_columns(Compound, linked_fields, 'c')}, {_columns(RelatedForm, link_fields, 'l')}"
        f" FROM {RelatedForm._meta.db_table} l"
        f" JOIN {table} c ON c.id = CASE WHEN l.compound_id = %s THEN l.related_id ELSE l.compound_id END"
        " WHERE l.compound_id = %s OR l.related_id = %s ORDER BY l.position, l.id",
    )


def _child_rows(queries: _PageQueries, compound_pk: int) -> dict[str, list]:
    """Each of PAGE_CHILDREN's rows of one compound, in (position, id) order, as model instances."""
    found = {relation: [] for relation in PAGE_CHILDREN}
    for part, *values in _select(queries.children_sql, [compound_pk] * len(queries.child_models)):
        model = queries.child_models[part]
        by_column = dict(zip([*KEY_COLUMNS, *queries.child_texts[part]], values, strict=False))
        row = [by_column[f.column] for f in model._meta.concrete_fields]
        found[PAGE_CHILDREN[part]].append(model.from_db(connection.alias, None, row))
    return found


def compound_for_page(slug: str):
    """The compound with everything its page shows, as ``for_page()`` gives it; ``DoesNotExist`` if none.

    Plain SQL on purpose: each of these is an indexed lookup of a few rows, and building and compiling
    the ORM queries (with prefetch_related's bookkeeping) cost several times more than running them.
    Columns are still converted the ORM's way (decimals and booleans on SQLite, ``_instances``), so the
    objects are the same. Four queries whatever the row counts (three without trial tables).
    """
    from .models import Compound, RelatedForm, TrialRow

    queries = _page_queries()
    found = _select(queries.compound_sql, [slug])
    if not found:
        raise Compound.DoesNotExist(f"No compound with slug {slug!r}.")
    [compound] = _instances(Compound, queries.compound_fields, found)
    if compound.melting_point_form_id is not None:
        # The page shows only the other form's name and link; its other columns load if asked for.
        mp_name, mp_slug = found[0][len(queries.compound_fields) :]
        compound.melting_point_form = Compound.from_db(
            connection.alias, ["id", "name", "slug"], [compound.melting_point_form_id, mp_name, mp_slug]
        )
    for relation, rows in _child_rows(queries, compound.pk).items():
        _set_prefetched(compound, relation, rows)
    tables = compound.trial_tables.all()
    if tables:
        rows_by_table = {t.pk: [] for t in tables}
        sql = queries.trial_rows_sql.format(placeholders=", ".join(["%s"] * len(rows_by_table)))
        for row in _instances(TrialRow, queries.trial_row_fields, _select(sql, list(rows_by_table))):
            rows_by_table[row.table_id].append(row)
        for t in tables:
            _set_prefetched(t, "rows", rows_by_table[t.pk])

    found = _select(queries.links_sql, [compound.pk] * 3)
    others = _instances(Compound, queries.linked_fields, found)
    links = _instances(RelatedForm, queries.link_fields, [row[len(queries.linked_fields) :] for row in found])
    forms, to = [], []
    for other, link in zip(others, links, strict=True):
        if link.compound_id == compound.pk:
            link.compound, link.related = compound, other
            forms.append(link)
        else:
            link.compound, link.related = other, compound
            to.append(link)
    _set_prefetched(compound, "related_forms", forms)
    _set_prefetched(compound, "related_to", to)
    return compound
