"""Structure search reads: the search page's and API's results, and a compound page's "Similar compounds".

The query is read by catalog.structure_search (``parse_query``; a ``QueryError`` carries the message for
the user), substructure and similarity are asked of this process's index (catalog/structure_index.py),
exact search is the database's (an indexed lookup of the computed InChIKey). The compounds found are then
loaded in one query, with only the columns a result shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q

from .models import Compound
from .relations import Relation
from .revisions import revisions
from .structure_index import structure_index
from .structure_search import Query, QueryError, parse_query

MODES = ("exact", "substructure", "similarity")
DEFAULT_THRESHOLD = 0.7
BUDGET_SECONDS = 2.0  # a search holds a worker at most about this long (the bound), then stops: partial
COUNT_LIMIT = 1_000  # substructure matches counted before the count says "more than"
RESULT_COLUMNS = (
    "name",
    "slug",
    "catalog_number",
    "molecular_weight",
    "computed_canonical_smiles",
    "computed_inchikey",
)
# The "Similar compounds" panel (issue 15): up to six at Tanimoto 0.5 or more, within a short budget.
SIMILAR_THRESHOLD = 0.5
SIMILAR_LIMIT = 6
SIMILAR_PER_FAMILY = 4  # hits asked for per compound shown: a parent, its salts and stereoisomers score alike
SIMILAR_BUDGET_SECONDS = 0.5
# Relations whose compounds a page already lists as its forms, so the panel leaves them out.
FORM_RELATIONS = (Relation.SALT_FORM, Relation.ENANTIOMER)


@dataclass(frozen=True)
class Hit:
    compound: Compound  # only RESULT_COLUMNS loaded
    similarity: float | None = None  # similarity mode
    atoms: tuple[int, ...] = ()  # substructure mode: the match, atom indices of computed_canonical_smiles


@dataclass(frozen=True)
class SearchResults:
    query: Query
    mode: str
    hits: list[Hit]
    count: int  # matches (exact unless ``truncated`` or ``partial``)
    truncated: bool  # more than ``count`` match
    partial: bool  # the time budget ran out: at least ``count`` match, and the page may be short
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.hits) < self.count or (self.truncated and len(self.hits) == self.limit)

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def search(
    text: str,
    *,
    mode: str,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 20,
    offset: int = 0,
    use_chirality: bool = False,
    skeleton: bool = False,
    count_limit: int | None = None,
) -> SearchResults:
    """Search the catalog; ``QueryError`` (with a message for the user) when the query cannot be searched.

    ``exact``: the same standard InChIKey, or with ``skeleton`` the same first block, the parent's too (every
    stereoisomer and salt form), in name order. ``substructure``: RDKit's HasSubstructMatch, stereo only with
    ``use_chirality``, in catalog order. ``similarity``: Tanimoto ≥ ``threshold``, highest first.
    """
    query = parse_query(text, mode)
    if mode == "exact":
        return _exact(query, limit=limit, offset=offset, skeleton=skeleton)
    index = structure_index.current()
    if mode == "substructure":
        found = index.substructure(
            query,
            limit=limit,
            offset=offset,
            use_chirality=use_chirality,
            budget_s=BUDGET_SECONDS,
            count_limit=max(count_limit or COUNT_LIMIT, offset + limit),
        )
        hits = _with_compounds([(hit.id, None, hit.atoms) for hit in found.hits])
        return SearchResults(query, mode, hits, found.count, found.truncated, found.partial, offset, limit)
    result = index.similarity(query, threshold=threshold, limit=offset + limit, budget_s=BUDGET_SECONDS)
    hits = _with_compounds([(hit.id, hit.score, ()) for hit in result.hits[offset:]])
    return SearchResults(query, mode, hits, result.count, False, result.partial, offset, limit)


def _exact(query: Query, *, limit: int, offset: int, skeleton: bool) -> SearchResults:
    if skeleton:
        # A range on the key rather than LIKE, so that the B-tree index serves it on every database.
        first, past = f"{query.skeleton}-", f"{query.skeleton}."
        matches = Q(computed_inchikey__gte=first, computed_inchikey__lt=past) | Q(
            parent_inchikey__gte=first, parent_inchikey__lt=past
        )
    elif query.inchikey:
        matches = Q(computed_inchikey=query.inchikey)
    else:
        raise QueryError("This query has no InChIKey, so it cannot be looked up exactly.")
    found = Compound.objects.filter(matches).order_by("name", "pk").only(*RESULT_COLUMNS)
    count = found.count()
    hits = [Hit(compound) for compound in found[offset : offset + limit]]
    return SearchResults(query, "exact", hits, count, False, False, offset, limit)


def _with_compounds(found: list[tuple[int, float | None, tuple[int, ...]]]) -> list[Hit]:
    """The hits with their compounds, in the order found (one deleted meanwhile is left out)."""
    compounds = Compound.objects.only(*RESULT_COLUMNS).in_bulk([pk for pk, _, _ in found])
    return [Hit(compounds[pk], score, atoms) for pk, score, atoms in found if pk in compounds]


# -- "Similar compounds" on a compound's page -----------------------------------------------------------


@dataclass(frozen=True)
class SimilarCompound:
    name: str
    slug: str
    similarity: float


def _skeleton_range(key: str) -> tuple[str, str]:
    block = key.split("-", 1)[0]
    return f"{block}-", f"{block}."


def forms_of(compound: Compound) -> set[int]:
    """Ids of the compounds the page lists as its forms, or that are: itself, its linked salt forms, parent and
    enantiomers (from the page's prefetched links), and every compound sharing its InChIKey skeleton, or its
    parent's, as its own or as its parent's (stereoisomers, salt forms and their parents)."""
    ids = {compound.pk}
    ids |= {link.related_id for link in compound.related_forms.all() if link.relation in FORM_RELATIONS}
    ids |= {link.compound_id for link in compound.related_to.all() if link.relation in FORM_RELATIONS}
    same = Q()
    for key in {key for key in (compound.computed_inchikey, compound.parent_inchikey) if key}:
        first, past = _skeleton_range(key)
        same |= Q(computed_inchikey__gte=first, computed_inchikey__lt=past)
        same |= Q(parent_inchikey__gte=first, parent_inchikey__lt=past)
    if same:
        ids |= set(Compound.objects.filter(same).values_list("pk", flat=True))
    return ids


def similar_compounds(compound: Compound) -> list[SimilarCompound]:
    """Up to six compounds with Tanimoto ≥ 0.5 to this one, its own forms left out, highest first, one per
    family: an analogue's salts and stereoisomers (the same InChIKey skeleton, as theirs or as their
    parent's) are on the analogue's page, so the panel lists only the family's best match.

    Cached under the catalog's structure revision (a new one with any structure change anywhere), so that
    a page rendered afresh for another reason (its own edit) does not search again.
    """
    if not compound.computed_canonical_smiles:
        return []  # no structure the index could hold (none entered, or RDKit cannot read it)
    revision = revisions.structure()
    key = f"catalog:similar:{compound.pk}:{revision}"
    found = cache.get(key)
    if found is None:
        hits = structure_index.current(revision).similar_to(
            compound.pk,
            threshold=SIMILAR_THRESHOLD,
            limit=SIMILAR_LIMIT * SIMILAR_PER_FAMILY,  # enough for six families when each brings its forms
            exclude=forms_of(compound),
            budget_s=SIMILAR_BUDGET_SECONDS,
        )
        columns = ("name", "slug", "computed_inchikey", "parent_inchikey")
        rows = Compound.objects.only(*columns).in_bulk([hit.id for hit in hits])
        found, families = [], set()
        for hit in hits:  # highest first
            row = rows.get(hit.id)
            if row is None:  # deleted since the index saw it
                continue
            # The InChIKey's skeleton block; a structure InChI cannot describe is a family of its own.
            family = (row.parent_inchikey or row.computed_inchikey).split("-", 1)[0] or row.pk
            if family in families:
                continue
            families.add(family)
            found.append(SimilarCompound(row.name, row.slug, hit.score))
        found = found[:SIMILAR_LIMIT]
        cache.set(key, found)
    return found
