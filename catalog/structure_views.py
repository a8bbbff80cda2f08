"""Structure search: the page (a plain GET form, a live drawing of the query with htmx) and its JSON API.

Both read the same parameters and call ``structure_queries.search``; a query that cannot be searched is a
400 with the reason (on the page beside the form, in the API as ``{"errors": {"q": [...]}}``), never a 500.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ops.api import json_response, read_only_api
from ops.http_cache import Validators, revalidated

from .depiction import draw_query_svg, draw_svg
from .page_cache import release
from .revisions import revisions
from .structure_queries import COUNT_LIMIT, DEFAULT_THRESHOLD, MODES, SearchResults, search
from .structure_search import QueryError, parse_query

PAGE_SIZE = 20
MAX_PAGE = COUNT_LIMIT // PAGE_SIZE
API_MAX_LIMIT = 10_000
API_DEFAULT_LIMIT = 100
TRUE = ("1", "true", "on", "yes")


def search_validators(request: HttpRequest) -> Validators:
    """Results change with any structure (the structure revision) and any name or number (the catalog's)."""
    return Validators(etag=f'W/"structure-search-{revisions.structure()}-{revisions.catalog()}-{release()}"')


@dataclass
class Parameters:
    """The search's parameters as read from a query string, with a message per parameter that is wrong."""

    q: str
    mode: str
    threshold: float
    stereo: bool
    skeleton: bool
    errors: dict[str, list[str]]

    @classmethod
    def read(cls, data: QueryDict) -> Parameters:
        errors: dict[str, list[str]] = {}
        mode = data.get("mode", "substructure")
        if mode not in MODES:
            errors["mode"] = ["Choose exact, substructure or similarity."]
        threshold = DEFAULT_THRESHOLD
        raw = data.get("threshold", "").strip()
        if raw:
            try:
                threshold = float(raw)
            except ValueError:
                threshold = math.nan
            if not 0.0 <= threshold <= 1.0:  # NaN fails this too
                errors["threshold"] = ["The similarity threshold is a number from 0 to 1, e.g. 0.7."]
                threshold = DEFAULT_THRESHOLD
        return cls(
            q=data.get("q", ""),
            mode=mode if mode in MODES else "substructure",
            threshold=threshold,
            stereo=data.get("stereo", "").lower() in TRUE,
            skeleton=data.get("skeleton", "").lower() in TRUE,
            errors=errors,
        )

    def search(self, *, limit: int, offset: int, count_limit: int | None = None) -> SearchResults:
        """The results for these parameters (``QueryError`` when the query cannot be searched)."""
        return search(
            self.q,
            mode=self.mode,
            threshold=self.threshold,
            limit=limit,
            offset=offset,
            use_chirality=self.stereo,
            skeleton=self.skeleton,
            count_limit=count_limit,
        )


def _whole_number(data: QueryDict, name: str, *, default: int, low: int, high: int, errors: dict) -> int:
    raw = data.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = [f"{name} is a whole number from {low:,} to {high:,}."]
        return default
    return int(raw)


def query_preview(text: str, mode: str) -> dict:
    """The query drawn by RDKit, or why it cannot be read: the live preview, and the page beside results."""
    if not text.strip():
        return {"svg": "", "message": ""}
    try:
        query = parse_query(text, mode)
    except QueryError as error:
        return {"svg": "", "message": str(error), "invalid": True}
    if query.mol is None:
        return {"svg": "", "message": f"An InChIKey ({query.text}) names a structure but cannot be drawn."}
    kind = {"smiles": "SMILES", "smarts": "SMARTS pattern", "inchi": "InChI", "molblock": "MOL block"}[query.kind]
    try:
        svg = draw_query_svg(
            query.mol, title="Your query", description=f"The query as read ({kind}).", id_prefix="query-drawing"
        )
    except ValueError as error:
        return {"svg": "", "message": f"Read as a {kind}, but {error}."}
    return {"svg": svg, "message": f"Read as a {kind}{': ' + query.smiles if query.smiles else ''}."}


def _page_url(request: HttpRequest, page: int) -> str:
    data = request.GET.copy()
    data["page"] = str(page)
    return f"?{data.urlencode()}"


def _cards(results: SearchResults) -> list[dict]:
    cards = []
    for number, hit in enumerate(results.hits):
        compound, svg = hit.compound, ""
        if hit.atoms and compound.computed_canonical_smiles:
            svg = draw_svg(
                compound.computed_canonical_smiles,
                title=f"Structure of {compound.name}",
                description="The atoms that match the query are highlighted.",
                id_prefix=f"result-{number}",
                highlight_atoms=hit.atoms,
            )
        cards.append({"compound": compound, "similarity": hit.similarity, "svg": svg})
    return cards


@require_safe
def structure_preview(request: HttpRequest) -> HttpResponse:
    """The live drawing of the query (htmx swaps it in as the user types); its own address, so that no
    cache can mix it up with the page."""
    params = Parameters.read(request.GET)
    return render(request, "catalog/structure_search.html#preview", {"preview": query_preview(params.q, params.mode)})


@require_safe
@revalidated(search_validators)
def structure_search(request: HttpRequest) -> HttpResponse:
    params = Parameters.read(request.GET)
    errors = dict(params.errors)
    page = _whole_number(request.GET, "page", default=1, low=1, high=MAX_PAGE, errors=errors)
    context = {"params": params, "modes": MODES, "errors": errors, "preview": query_preview(params.q, params.mode)}
    if not params.q.strip() or errors:
        return render(request, "catalog/structure_search.html", context, status=400 if errors else 200)
    try:
        results = params.search(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    except QueryError as error:
        context["errors"] = {"q": [str(error)]}
        return render(request, "catalog/structure_search.html", context, status=400)
    context |= {
        "results": results,
        "cards": _cards(results),
        "first": results.offset + 1,
        "last": results.offset + len(results.hits),
        "previous_url": _page_url(request, page - 1) if results.has_previous else "",
        "next_url": _page_url(request, page + 1) if results.has_next and page < MAX_PAGE else "",
    }
    return render(request, "catalog/structure_search.html", context)


@read_only_api
@revalidated(search_validators)
def api_structure_search(request: HttpRequest) -> HttpResponse:
    """``GET /api/compounds/structure-search?q=&mode=&threshold=&limit=`` (README: Structure search)."""
    params = Parameters.read(request.GET)
    errors = dict(params.errors)
    limit = _whole_number(request.GET, "limit", default=API_DEFAULT_LIMIT, low=1, high=API_MAX_LIMIT, errors=errors)
    offset = _whole_number(request.GET, "offset", default=0, low=0, high=API_MAX_LIMIT, errors=errors)
    if not params.q.strip():
        errors["q"] = ["Enter a structure: a SMILES, SMARTS, InChI, InChIKey or MOL block."]
    if errors:
        return json_response({"errors": errors}, status=400)
    try:
        results = params.search(limit=limit, offset=offset)  # counts as the page does: bounded work
    except QueryError as error:
        return json_response({"errors": {"q": [str(error)]}}, status=400)
    rows = []
    for hit in results.hits:
        compound = hit.compound
        row = {
            "slug": compound.slug,
            "name": compound.name,
            "catalog_number": compound.catalog_number,
            "inchikey": compound.computed_inchikey,
            "smiles": compound.computed_canonical_smiles,
        }
        if results.mode == "similarity":
            row["similarity"] = hit.similarity
        rows.append(row)
    listed_all = results.offset + len(rows) >= results.count and not results.truncated
    return json_response(
        {
            "query": {"input": results.query.text, "smiles": results.query.smiles},
            "mode": results.mode,
            "count": results.count,
            "truncated": not listed_all or results.partial,
            "partial": results.partial,
            "results": rows,
        }
    )
