"""The list page's filters and sort, read from the query string (every state is a plain GET URL)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .selectors import SORTS

SORT_CHOICES = [
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("mw", "Molecular weight, lowest first"),
    ("-mw", "Molecular weight, highest first"),
    ("year", "First approval, earliest first"),
    ("-year", "First approval, latest first"),
]
assert [value for value, _ in SORT_CHOICES] == list(SORTS)  # one list of orders, labelled here


# Text boxes with a numeric keyboard rather than type="number": what was typed comes back as typed with its
# message (a number input cannot hold "abc", so the page would be invalid HTML), and the server checks it.
DECIMAL_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
WHOLE_INPUT = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
SIGNED_INPUT = forms.TextInput(attrs={"autocomplete": "off"})  # phones' decimal keypads may have no minus


def _decimal(label: str, low: int, high: int, places: int = 2) -> forms.DecimalField:
    widget = SIGNED_INPUT if low < 0 else DECIMAL_INPUT
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        max_digits=places + 6,
        decimal_places=places,
        widget=widget,
    )


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=100, widget=WHOLE_INPUT)


def _year(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1800, max_value=2100, widget=WHOLE_INPUT)


def _is_set(value) -> bool:
    # Not a truth test: 0 donors at most is a filter, an unticked box or an empty field is none.
    return value is not None and value is not False and value != ""


class ListFilterForm(forms.Form):
    """Ranges over the computed properties and a few yes/no conditions; bounds are inclusive."""

    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    mw_min = _decimal("Molecular weight from (g/mol)", 0, 100_000)
    mw_max = _decimal("Molecular weight to (g/mol)", 0, 100_000)
    logp_min = _decimal("cLogP from", -100, 100)
    logp_max = _decimal("cLogP to", -100, 100)
    tpsa_min = _decimal("TPSA from (Å²)", 0, 10_000)
    tpsa_max = _decimal("TPSA to (Å²)", 0, 10_000)
    hbd_max = _count("H-bond donors, at most")
    hba_max = _count("H-bond acceptors, at most")
    year_min = _year("First approved from (year)")
    year_max = _year("First approved to (year)")
    ro5 = forms.BooleanField(label="pass the rule of five (at most one violation)", required=False)
    salts = forms.BooleanField(label="have salt forms", required=False)
    solubility = forms.BooleanField(label="have a measured aqueous solubility", required=False)

    RANGES = (("mw_min", "mw_max"), ("logp_min", "logp_max"), ("tpsa_min", "tpsa_max"), ("year_min", "year_max"))
    # Form field -> CompoundQuerySet.with_properties argument.
    CRITERIA = {
        "mw_min": "mw_min",
        "mw_max": "mw_max",
        "logp_min": "clogp_min",
        "logp_max": "clogp_max",
        "tpsa_min": "tpsa_min",
        "tpsa_max": "tpsa_max",
        "hbd_max": "hbd_max",
        "hba_max": "hba_max",
        "year_min": "year_min",
        "year_max": "year_max",
        "ro5": "ro5_pass",
        "salts": "has_salt_forms",
        "solubility": "has_solubility",
    }

    def clean(self) -> dict:
        cleaned = super().clean()
        for low, high in self.RANGES:
            start, end = cleaned.get(low), cleaned.get(high)
            if start is not None and end is not None and start > end:
                raise ValidationError(
                    f"{self.fields[low].label} is above {self.fields[high].label.lower()}: swap them or clear one."
                )
        return cleaned

    def criteria(self) -> dict[str, Decimal | int | bool]:
        """The valid, set filters as ``CompoundQuerySet.with_properties`` arguments."""
        return {
            argument: self.cleaned_data[field]
            for field, argument in self.CRITERIA.items()
            if _is_set(self.cleaned_data.get(field))
        }

    @property
    def yes_no(self) -> list[forms.BoundField]:
        return [self[name] for name in ("ro5", "salts", "solubility")]

    @property
    def is_filtered(self) -> bool:
        return bool(self.criteria())

    def state(self) -> list[tuple[str, str]]:
        """The valid, set parameters (sort included) as they go back into links, in field order."""
        pairs = []
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if not _is_set(value):
                continue
            pairs.append((name, "1" if value is True else str(value)))
        return pairs
