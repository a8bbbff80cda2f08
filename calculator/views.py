"""Calculator views: the widget's htmx partial, the standalone pages and the JSON API.

All are GET (and HEAD): a calculation changes nothing, so it needs no CSRF token and its URL can be shared.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe
from django_htmx.http import replace_url
from django_htmx.middleware import HtmxDetails

from ops.api import json_response, read_only_api

from .answers import Answer, stock_table_display
from .display import format_plain
from .forms import ApiMolarityForm, DilutionForm, StandaloneMolarityForm
from .presenters import all_error_slots, error_slot, error_summary, is_bound, plain_row, quantity_rows
from .widget import WidgetSubject, widget_context, widget_subject


class HtmxHttpRequest(HttpRequest):
    """A request that has been through django-htmx's middleware (the pattern from its docs)."""

    htmx: HtmxDetails


# The same URL answers htmx with a fragment and everyone else with a page: caches must keep them apart.
HTMX_VARY = ("HX-Request", "HX-History-Restore-Request")


def _wants_partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _page_url(subject: WidgetSubject, request: HttpRequest) -> str:
    """The compound page with this request's calculator inputs: the shareable address of the result."""
    query = request.GET.urlencode()
    return f"{subject.page_url}{'?' + query if query else ''}#calculator"


@require_safe
def widget_result(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The widget's result for htmx; anyone else is sent to the compound page with the same query."""
    subject = widget_subject(slug)
    if subject is None:
        raise Http404("No compound with that address.")
    if not _wants_partial(request):
        response = HttpResponseRedirect(_page_url(subject, request))
    else:
        # 200 even for bad input: htmx swaps only successful responses, and the errors are the content.
        context = {"calculator": widget_context(request, subject)}
        partial = render(request, "calculator/widget.html#htmx-result", context)
        # Replaced, not pushed: typing must not add a history entry per keystroke (one Back leaves the page).
        response = replace_url(partial, _page_url(subject, request))
    patch_vary_headers(response, HTMX_VARY)
    return response


# Standalone pages -----------------------------------------------------------------------------------

STANDALONE_LABELS = {
    "solve": "Calculate",
    "mw": "Molecular weight",
    "formula": "Molecular formula",
    "purity": "Purity",
}
DILUTION_LABELS = {"solve": "Calculate", "mw": "Molecular weight"}
MOLARITY_INITIAL = {
    "solve": "mass",
    "mass_unit": "mg",
    "volume_unit": "mL",
    "concentration_unit": "mM",
    "purity": "100",
}
DILUTION_INITIAL = {"solve": "v1", "c1_unit": "mM", "v1_unit": "µL", "c2_unit": "µM", "v2_unit": "mL"}


def _page_context(form, labels: dict[str, str], prefix: str) -> dict:
    rows = quantity_rows(form, prefix)
    extra = {name: plain_row(form, name, label, prefix) for name, label in labels.items()}
    return {
        "form": form,
        "answer": form.answer if form.is_bound and form.is_valid() else None,
        "rows": rows,
        "extra": extra,
        "solve": extra["solve"].value,
        "error_slots": all_error_slots(rows, [row.error for row in extra.values()]),
        "errors": error_summary(form, rows + list(extra.values()), labels),
        "general_error": error_slot(form, "__all__", prefix),
    }


def _render_page(request: HtmxHttpRequest, template: str, context: dict) -> HttpResponse:
    if _wants_partial(request):
        response = render(request, f"{template}#htmx-result", context)
    else:
        status = 400 if context["form"].is_bound and not context["answer"] else 200
        response = render(request, template, context, status=status)
    patch_vary_headers(response, HTMX_VARY)
    return response


@require_safe
def calculator_page(request: HtmxHttpRequest) -> HttpResponse:
    """Mass, volume or concentration for any compound, from its MW or its formula."""
    names = tuple(STANDALONE_LABELS) + tuple(
        n for q in StandaloneMolarityForm.quantities for n in (q.name, q.unit_name)
    )
    bound = is_bound(request.GET, names)
    form = StandaloneMolarityForm(request.GET if bound else None, initial=MOLARITY_INITIAL)
    context = _page_context(form, STANDALONE_LABELS, "calc")
    answer: Answer | None = context["answer"]
    context["solve_choices"] = (
        ("mass", "Mass to weigh"),
        ("volume", "Volume to dissolve in"),
        ("concentration", "Concentration"),
    )
    if answer:
        purity = form.cleaned_data["purity"] / 100
        context["stock_table"] = stock_table_display(mw=answer.mw_used, purity=purity)
        context["stock_mw"] = answer.mw_text
        context["stock_purity"] = format_plain(purity * 100)
    return _render_page(request, "calculator/calculator_page.html", context)


@require_safe
def dilution_page(request: HtmxHttpRequest) -> HttpResponse:
    """C1·V1 = C2·V2, with mM and mg/mL bridged by an optional MW."""
    names = tuple(DILUTION_LABELS) + tuple(n for q in DilutionForm.quantities for n in (q.name, q.unit_name))
    bound = is_bound(request.GET, names)
    form = DilutionForm(request.GET if bound else None, initial=DILUTION_INITIAL)
    context = _page_context(form, DILUTION_LABELS, "dil")
    context["solve_choices"] = (
        ("v1", "Volume of stock (V1)"),
        ("c1", "Stock concentration (C1)"),
        ("v2", "Final volume (V2)"),
        ("c2", "Final concentration (C2)"),
    )
    context["standalone_url"] = reverse("calculator:page")
    return _render_page(request, "calculator/dilution_page.html", context)


# JSON API ---------------------------------------------------------------------------------------------


def _answer_json(answer: Answer) -> dict:
    return {
        "solve": answer.solve,
        "value": float(answer.value),
        "unit": answer.unit.symbol,
        "display": answer.display,
        "mw_used": None if answer.mw_used is None else float(answer.mw_used),
        "warnings": list(answer.warnings),
    }


def _api_response(form) -> JsonResponse:
    if form.is_valid() and form.answer is not None:
        return json_response(_answer_json(form.answer))
    return json_response({"errors": {field: list(messages) for field, messages in form.errors.items()}}, status=400)


@read_only_api
def api_molarity(request: HttpRequest) -> JsonResponse:
    return _api_response(ApiMolarityForm(request.GET))


@read_only_api
def api_dilution(request: HttpRequest) -> JsonResponse:
    return _api_response(DilutionForm(request.GET))
