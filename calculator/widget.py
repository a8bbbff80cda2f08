"""The calculator widget a compound page embeds: the one interface between the catalog and the calculator.

The page describes its compound as a ``WidgetSubject``, calls ``widget_context(request, subject)`` and
includes ``calculator/widget.html`` with the result as ``calculator``. The widget's own htmx endpoint
(``calculator.views.widget_result``) has only a slug, and gets the subject from the function the
``CALCULATOR_WIDGET_SUBJECT`` setting names (``slug -> WidgetSubject | None``), so the calculator
imports nothing from the catalog. The inputs come from the query string, so a result is a shareable
URL and the page needs no session or CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from .answers import AqueousSolubility, stock_table_display
from .display import format_plain
from .forms import MOLARITY_QUANTITIES, VialForm, WidgetForm
from .presenters import all_error_slots, error_slot, error_summary, is_bound, plain_row, quantity_rows


@dataclass(frozen=True)
class RelatedCompound:
    """A salt form or free base of the subject, as its own catalog entry."""

    slug: str
    name: str
    mw: Decimal  # g/mol


@dataclass(frozen=True)
class WidgetSubject:
    """What the widget needs to know about a compound, and nothing more (small enough to cache)."""

    slug: str
    name: str
    mw: Decimal  # g/mol
    page_url: str  # the compound page, which the widget's form submits to when JavaScript is off
    salt_forms: tuple[RelatedCompound, ...] = ()  # this compound's salts
    free_bases: tuple[RelatedCompound, ...] = ()  # the compounds this one is a salt of
    solubility: AqueousSolubility | None = None  # measured in water, where a measurement exists; never estimated


def widget_subject(slug: str) -> WidgetSubject | None:
    """The subject with this slug, from the provider the settings name; None if there is no such compound."""
    return _provider(settings.CALCULATOR_WIDGET_SUBJECT)(slug)


@cache
def _provider(dotted_path: str) -> Callable[[str], WidgetSubject | None]:
    return import_string(dotted_path)


PREFIX = "calc"
WIDGET_PARAMETERS = (
    "solve",
    "vial",
    "batch_mw",
    "purity",
    *(name for q in MOLARITY_QUANTITIES for name in (q.name, q.unit_name)),
)
INITIAL = {"solve": "mass", "mass_unit": "mg", "volume_unit": "mL", "concentration_unit": "mM", "purity": "100"}
SOLVE_CHOICES = (("mass", "Mass to weigh"), ("volume", "Volume to dissolve in"), ("concentration", "Concentration"))
LABELS = {"solve": "Calculate", "vial": "Form in the vial", "batch_mw": "Batch-specific MW", "purity": "Purity"}


def vial_forms(subject: WidgetSubject) -> list[VialForm]:
    """The forms a user may have in the vial: this compound first, then its salts or its free base."""
    suffix = ", free base" if subject.salt_forms else ""
    forms_in_vial = [VialForm(subject.slug, f"{subject.name}{suffix}", subject.mw)]
    forms_in_vial += [VialForm(salt.slug, salt.name, salt.mw) for salt in subject.salt_forms]
    forms_in_vial += [VialForm(base.slug, f"{base.name}, free base", base.mw) for base in subject.free_bases]
    return forms_in_vial


def widget_context(request: HttpRequest, subject: WidgetSubject) -> dict:
    forms_in_vial = vial_forms(subject)
    bound = is_bound(request.GET, WIDGET_PARAMETERS)
    form = WidgetForm(
        request.GET if bound else None, vial_forms=forms_in_vial, solubility=subject.solubility, initial=INITIAL
    )
    valid = form.is_valid() if bound else False
    answer = form.answer if valid else None
    rows = quantity_rows(form, PREFIX)
    extra_rows = {name: plain_row(form, name, label, PREFIX) for name, label in LABELS.items()}
    chosen_slug = extra_rows["vial"].value or subject.slug
    table_mw = answer.mw_used if answer else subject.mw
    table_purity = form.cleaned_data["purity"] / 100 if valid else Decimal(1)
    return {
        "subject": subject,
        "subject_mw": format_plain(subject.mw),
        "form": form,
        "bound": bound,
        "answer": answer,
        "status": 400 if bound and not valid else 200,
        "rows": rows,
        "solve": extra_rows["solve"].value or "mass",
        "solve_choices": SOLVE_CHOICES,
        "vial": extra_rows["vial"],
        "vial_options": [
            {"value": f.slug, "label": f"{f.label} ({format_plain(f.mw)} g/mol)", "selected": f.slug == chosen_slug}
            for f in forms_in_vial
        ],
        "batch_mw": extra_rows["batch_mw"],
        "purity": extra_rows["purity"],
        "solve_error": extra_rows["solve"].error,
        "error_slots": all_error_slots(rows, [row.error for row in extra_rows.values()]),
        "errors": error_summary(form, rows + list(extra_rows.values()), LABELS),
        "general_error": error_slot(form, "__all__", PREFIX),
        "stock_table": stock_table_display(mw=table_mw, purity=table_purity),
        "stock_mw": format_plain(table_mw),
        "stock_purity": format_plain(table_purity * 100),
    }
