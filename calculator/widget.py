"""Context for the calculator widget on a compound page.

The catalog's compound view calls ``widget_context(request, compound)`` and includes
``calculator/widget.html``; the calculator's own ``widget_result`` view renders the same context as
an htmx partial. The inputs come from the query string, so a result is a shareable URL and the page
needs no session or CSRF token.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.http import HttpRequest

from .answers import stock_table_display
from .forms import MOLARITY_QUANTITIES, VialForm, WidgetForm
from .presenters import all_error_slots, error_slot, error_summary, is_bound, plain_row, quantity_rows

if TYPE_CHECKING:
    from catalog.models import Compound

PREFIX = "calc"
SALT_FORM = "salt_form"
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


def _mw_text(mw: Decimal) -> str:
    return format(Decimal(mw).normalize(), "f")


def vial_forms(compound: Compound) -> list[VialForm]:
    """The forms a user may have in the vial: this compound first, then its salts or its free base.

    Uses the relations ``for_page()`` prefetches; adds no queries.
    """
    salts = [link.related for link in compound.related_forms.all() if link.relation == SALT_FORM]
    bases = [link.compound for link in compound.related_to.all() if link.relation == SALT_FORM]
    if salts:
        first = VialForm(compound.slug, f"{compound.name}, free base", compound.molecular_weight)
    else:
        first = VialForm(compound.slug, compound.name, compound.molecular_weight)
    others = [VialForm(salt.slug, salt.name, salt.molecular_weight) for salt in salts]
    others += [VialForm(base.slug, f"{base.name}, free base", base.molecular_weight) for base in bases]
    return [first, *others]


def widget_context(request: HttpRequest, compound: Compound) -> dict:
    forms_in_vial = vial_forms(compound)
    bound = is_bound(request.GET, WIDGET_PARAMETERS)
    form = WidgetForm(request.GET if bound else None, vial_forms=forms_in_vial, initial=INITIAL)
    valid = form.is_valid() if bound else False
    answer = form.answer if valid else None
    rows = quantity_rows(form, PREFIX)
    extra_rows = {name: plain_row(form, name, label, PREFIX) for name, label in LABELS.items()}
    chosen_slug = extra_rows["vial"].value or compound.slug
    table_mw = answer.mw_used if answer else compound.molecular_weight
    table_purity = form.cleaned_data["purity"] / 100 if valid else Decimal(1)
    return {
        "form": form,
        "bound": bound,
        "answer": answer,
        "status": 400 if bound and not valid else 200,
        "rows": rows,
        "solve": extra_rows["solve"].value or "mass",
        "solve_choices": SOLVE_CHOICES,
        "vial": extra_rows["vial"],
        "vial_options": [
            {"value": f.slug, "label": f"{f.label} ({_mw_text(f.mw)} g/mol)", "selected": f.slug == chosen_slug}
            for f in forms_in_vial
        ],
        "batch_mw": extra_rows["batch_mw"],
        "purity": extra_rows["purity"],
        "solve_error": extra_rows["solve"].error,
        "error_slots": all_error_slots(rows, [row.error for row in extra_rows.values()]),
        "errors": error_summary(form, rows + list(extra_rows.values()), LABELS),
        "general_error": error_slot(form, "__all__", PREFIX),
        "stock_table": stock_table_display(mw=table_mw, purity=table_purity),
        "stock_mw": _mw_text(table_mw),
        "stock_purity": _mw_text(table_purity * 100),
    }
