"""Catalog pages: home, list with search, compound detail, and the friendly 404."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from calculator.widget import widget_context

from .exporting import compound_mol as compound_mol_text
from .exporting import compound_sdf as compound_sdf_text
from .models import Compound

MAX_QUERY_LENGTH = 200


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    compounds = Compound.objects.filter(is_synthetic=False).for_list()[:24]
    return render(request, "catalog/home.html", {"compounds": compounds})


@require_GET
def compound_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return render(
            request,
            "catalog/compound_list.html",
            {"query": query[:MAX_QUERY_LENGTH], "error": f"Search for at most {MAX_QUERY_LENGTH} characters."},
            status=400,
        )
    if query:
        exact = list(Compound.objects.by_exact_identifier(query)[:2])
        if len(exact) == 1:
            return redirect(exact[0])
    compounds = Compound.objects.for_list().search(query) if query else Compound.objects.for_list()
    page = Paginator(compounds, settings.CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/compound_list.html", {"query": query, "page": page})


@require_GET
def compound_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        compound = Compound.objects.for_page().get(slug=slug)
    except Compound.DoesNotExist:
        raise Http404("No compound with that address.") from None
    context = {"compound": compound, "calculator": widget_context(request, compound)}
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


@require_GET
def compound_structure_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored depiction as a standalone SVG (the page inlines the same drawing)."""
    compound = _compound_with_structure(slug)
    response = HttpResponse(compound.depiction, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def compound_mol(request: HttpRequest, slug: str) -> HttpResponse:
    compound = _compound_with_structure(slug)
    return _download(compound_mol_text(compound), content_type="chemical/x-mdl-molfile", filename=f"{slug}.mol")


@require_GET
def compound_sdf(request: HttpRequest, slug: str) -> HttpResponse:
    compound = _compound_with_structure(slug)
    return _download(compound_sdf_text(compound), content_type="chemical/x-mdl-sdfile", filename=f"{slug}.sdf")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
