"""Catalog pages: home, list with search, compound detail, downloads."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from calculator.widget import widget_context

from .calculator_widget import subject_for_page
from .exporting import compound_mol as compound_mol_text
from .exporting import compound_sdf as compound_sdf_text
from .models import Compound
from .page_cache import cached_response, page_cache_enabled
from .page_freshness import catalog_revision
from .selectors import compound_for_page, keyset_page

MAX_QUERY_LENGTH = 200


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    def render_home() -> HttpResponse:
        compounds = Compound.objects.filter(is_synthetic=False).for_list()[:24]
        return render(request, "catalog/home.html", {"compounds": compounds})

    if page_cache_enabled():
        return cached_response(request, f"home:{catalog_revision()}", render_home)
    return render_home()


def _cursor(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@require_safe
def compound_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        context = {"query": query[:MAX_QUERY_LENGTH], "error": f"Search for at most {MAX_QUERY_LENGTH} characters."}
        return render(request, "catalog/compound_list.html", context, status=400)
    if query:
        exact = list(Compound.objects.by_exact_identifier(query)[:2])
        if len(exact) == 1:
            return redirect(exact[0])
    after, before = _cursor(request, "after"), _cursor(request, "before")

    def render_list() -> HttpResponse:
        branches = Compound.objects.search_branches(query) if query else None
        page = keyset_page(
            Compound.objects.for_list(), after=after, before=before, size=settings.CATALOG_PAGE_SIZE, branches=branches
        )
        return render(request, "catalog/compound_list.html", {"query": query, "page": page})

    if page_cache_enabled() and not query and after is None and before is None:
        return cached_response(request, f"list:{catalog_revision()}", render_list)
    return render_list()


@require_safe
def compound_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The bare page (no calculator inputs in the query string) is cached whole, keyed by the compound's
    # revision, by catalog.middleware.CachedPageMiddleware; this only renders.
    try:
        compound = compound_for_page(slug)
    except Compound.DoesNotExist:
        raise Http404("No compound with that address.") from None
    context = {"compound": compound, "calculator": widget_context(request, subject_for_page(compound))}
    # A calculation with field errors (JavaScript off) is a 400 carrying the page and the messages.
    return render(request, "catalog/compound_detail.html", context, status=context["calculator"]["status"])


def _compound_with_structure(slug: str) -> Compound:
    try:
        compound = Compound.objects.get(slug=slug)
    except Compound.DoesNotExist:
        raise Http404("No compound with that address.") from None
    if not compound.has_structure:
        raise Http404("This compound has no structure on file.")
    return compound


def _download(content: str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def compound_structure_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored depiction as a standalone SVG (the page inlines the same drawing)."""
    compound = _compound_with_structure(slug)
    response = HttpResponse(compound.depiction, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def compound_mol(request: HttpRequest, slug: str) -> HttpResponse:
    compound = _compound_with_structure(slug)
    return _download(compound_mol_text(compound), content_type="chemical/x-mdl-molfile", filename=f"{slug}.mol")


@require_safe
def compound_sdf(request: HttpRequest, slug: str) -> HttpResponse:
    compound = _compound_with_structure(slug)
    return _download(compound_sdf_text(compound), content_type="chemical/x-mdl-sdfile", filename=f"{slug}.sdf")
