"""Catalog pages: home, list with search, compound detail, and the friendly 404."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from calculator.widget import widget_context

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
    return render(request, "catalog/compound_detail.html", context)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
