"""The one read the calculator makes: a compound with just what the widget shows.

The compound page loads everything it shows (``catalog.selectors.compound_for_page``, four queries);
the widget's htmx request needs only the compound's MW and its salt-form links, so it reads those
alone, which keeps a calculation request within its time budget (see bench/calculator_bench.py).
"""

from __future__ import annotations

from django.db.models import Prefetch

from catalog.models import Compound, RelatedForm

SALT_FORM = RelatedForm.Relation.SALT_FORM
COMPOUND_COLUMNS = ("name", "slug", "molecular_weight")


def compound_for_widget(slug: str) -> Compound:
    """The compound with its salt forms (either direction); ``Compound.DoesNotExist`` if there is none."""
    links = RelatedForm.objects.filter(relation=SALT_FORM)
    return (
        Compound.objects.only(*COMPOUND_COLUMNS)
        .prefetch_related(
            Prefetch(
                "related_forms",
                queryset=links.select_related("related").only(
                    "compound", "related", "relation", *(f"related__{c}" for c in COMPOUND_COLUMNS)
                ),
            ),
            Prefetch(
                "related_to",
                queryset=links.select_related("compound").only(
                    "compound", "related", "relation", *(f"compound__{c}" for c in COMPOUND_COLUMNS)
                ),
            ),
        )
        .get(slug=slug)
    )
