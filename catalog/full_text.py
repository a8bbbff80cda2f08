"""Word search over what the pages say (mechanism, descriptions, sections), and names to suggest.

The name and identifier search (``CompoundQuerySet.search_branches``) answers first; this finds the
compounds whose text mentions the words, best first: PostgreSQL's full-text search (``english``
stemming, ``ts_rank``) over expression indexes, SQLite's FTS5 (Porter stemming, BM25) over a table its
triggers keep in step (catalog/db_indexes.py). Either way every word must occur.

Ranking costs a read of each match, so each source ranks at most its first ``CANDIDATES`` matches:
a word that every synthetic compound's text holds ("synthetic") still answers in milliseconds, with
the best of those candidates rather than of all.
"""

from __future__ import annotations

import difflib
import re

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramSimilarity
from django.db import connection
from django.db.models.functions import Upper

from .db_indexes import FULL_TEXT_CONFIG, FULL_TEXT_TABLE
from .models import Compound, Description, Section, Synonym
from .selectors import CompoundQuerySet

CANDIDATES = 200  # ten times the matches shown; ranking 1,000 cost about 50 ms at 100,000 compounds
WORD = re.compile(r"\w+")


def text_matches(query: str, within: CompoundQuerySet, *, size: int) -> list[Compound]:
    """Up to ``size`` compounds of ``within`` whose text has every word of the query, best first, leaving
    out those whose name or identifiers match (the name search lists them already)."""
    ranked = _ranked_ids(query)
    if not ranked:
        return []
    named = set(
        Compound.objects.filter(pk__in=ranked).matching_names_or_identifiers(query).values_list("pk", flat=True)
    )
    rows = {row.pk: row for row in within.filter(pk__in=[pk for pk in ranked if pk not in named])}
    return [rows[pk] for pk in ranked if pk in rows][:size]


def _ranked_ids(query: str) -> list[int]:
    if connection.vendor == "postgresql":
        return _postgresql(query)
    if connection.vendor == "sqlite":
        return _sqlite(query)
    return []


def word_sources(query: str) -> tuple[SearchQuery, list]:
    """PostgreSQL's query for these words, and each searched text as (manager, vector, compound column)."""
    # plainto_tsquery: the words AND-ed, whatever punctuation the query holds.
    search = SearchQuery(query, config=FULL_TEXT_CONFIG)
    # Each vector is the expression its GIN index is built on (catalog/db_indexes.py), word for word.
    sources = [
        (Compound.objects, SearchVector("mechanism_of_action", config=FULL_TEXT_CONFIG), "pk"),
        (Description.objects, SearchVector("text", config=FULL_TEXT_CONFIG), "compound_id"),
        (Section.objects, SearchVector("title", "body", config=FULL_TEXT_CONFIG), "compound_id"),
    ]
    return search, sources


def _postgresql(query: str) -> list[int]:
    search, sources = word_sources(query)
    best: dict[int, float] = {}
    for manager, vector, column in sources:
        first = manager.annotate(document=vector).filter(document=search).order_by().values("pk")[:CANDIDATES]
        ranked = manager.filter(pk__in=first).annotate(score=SearchRank(vector, search)).order_by()
        for pk, score in ranked.values_list(column, "score"):
            best[pk] = max(best.get(pk, 0.0), score)
    return sorted(best, key=lambda pk: (-best[pk], pk))


def _sqlite(query: str) -> list[int]:
    words = WORD.findall(query)
    if not words:
        return []
    # Each word quoted: FTS5's own syntax (AND, NEAR, *, column filters) in a query cannot break it.
    match = " ".join(f'"{word}"' for word in words)
    sql = (
        f"SELECT compound_id, MIN(score) FROM (SELECT compound_id, bm25({FULL_TEXT_TABLE}) AS score"
        f" FROM {FULL_TEXT_TABLE} WHERE {FULL_TEXT_TABLE} MATCH %s LIMIT {CANDIDATES})"
        " GROUP BY compound_id ORDER BY 2, 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match])
        return [pk for pk, _ in cursor.fetchall()]


SUGGESTIONS = 5
SIMILARITY = 0.3  # pg_trgm's default threshold for its % operator
# On SQLite the names are compared in Python: enough for the real catalog, bounded for anything bigger.
SQLITE_NAMES = 20_000


def nearest_names(query: str, *, size: int = SUGGESTIONS) -> list[Compound]:
    """Real compounds whose name or synonym is nearest the query (for a search that found nothing).

    PostgreSQL: trigram similarity, served by the trigram indexes on UPPER(name). SQLite: difflib's
    ratio, over at most ``SQLITE_NAMES`` names. Synthetic compounds are never suggested.
    """
    query = query.strip()
    if not query:
        return []
    if connection.vendor == "postgresql":
        names = _similar_postgresql(query.upper(), size)
    else:
        names = _similar_difflib(query, size)
    found = Compound.objects.filter(is_synthetic=False).for_list()
    by_name = {}
    for compound in found.filter(name__in=[n for n, _ in names]).order_by("pk"):
        by_name.setdefault(compound.name, compound)
    by_synonym = {}
    synonyms = Synonym.objects.filter(name__in=[n for n, _ in names], compound__is_synthetic=False)
    for name, compound_id in synonyms.order_by("pk").values_list("name", "compound_id"):
        by_synonym.setdefault(name, compound_id)
    synonym_compounds = found.in_bulk(by_synonym.values())
    suggestions = []
    for name, _ in names:
        compound = by_name.get(name) or synonym_compounds.get(by_synonym.get(name))
        if compound is not None and compound not in suggestions:
            suggestions.append(compound)
    return suggestions[:size]


def _similar_postgresql(upper: str, size: int) -> list[tuple[str, float]]:
    scored = []
    for model, real in ((Compound, {"is_synthetic": False}), (Synonym, {"compound__is_synthetic": False})):
        rows = (
            model.objects.filter(**real)
            # UPPER(name) % query: the trigram indexes on UPPER(name) (catalog/db_indexes.py) serve it.
            .filter(TrigramSimilar(Upper("name"), upper))
            .annotate(similarity=TrigramSimilarity(Upper("name"), upper))
            .order_by("-similarity", "name")
            .values_list("name", "similarity")[: size * 2]
        )
        scored += rows
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))


def _similar_difflib(query: str, size: int) -> list[tuple[str, float]]:
    names = list(Compound.objects.filter(is_synthetic=False).values_list("name", flat=True)[:SQLITE_NAMES])
    names += Synonym.objects.filter(compound__is_synthetic=False).values_list("name", flat=True)[:SQLITE_NAMES]
    by_upper = {}
    for name in names:
        by_upper.setdefault(name.upper(), name)
    close = difflib.get_close_matches(query.upper(), list(by_upper), n=size * 2, cutoff=0.6)
    return [(by_upper[upper], difflib.SequenceMatcher(None, query.upper(), upper).ratio()) for upper in close]
