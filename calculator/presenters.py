"""What the templates need from a calculator form: plain strings and lists, no pint objects."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict

from .units import UnitSpec


@dataclass(frozen=True)
class ErrorSlot:
    """The element that holds a field's errors; inputs point at it with aria-describedby."""

    id: str
    messages: list[str]


@dataclass(frozen=True)
class UnitOption:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    id: str
    value: str
    error: ErrorSlot
    unit_name: str = ""
    unit_id: str = ""
    unit_options: list[UnitOption] = field(default_factory=list)
    unit_error: ErrorSlot | None = None

    @property
    def invalid(self) -> bool:
        return bool(self.error.messages)

    @property
    def unit_invalid(self) -> bool:
        return bool(self.unit_error and self.unit_error.messages)


def raw_value(form: forms.Form, name: str) -> str:
    """What the user typed (bound) or the initial value, as text for the input's value attribute."""
    source = form.data if form.is_bound else form.initial
    return str(source.get(name, ""))


def error_slot(form: forms.Form, name: str, prefix: str) -> ErrorSlot:
    messages = list(form.errors.get(name, [])) if form.is_bound else []
    return ErrorSlot(id=f"{prefix}-{name.replace('_', '-')}-error", messages=messages)


def unit_options(form: forms.Form, name: str, units: list[UnitSpec]) -> list[UnitOption]:
    """The unit choices, the current one selected; an unknown unit the user sent is kept so they see it."""
    cleaned = getattr(form, "cleaned_data", {}).get(name)
    current = cleaned.symbol if isinstance(cleaned, UnitSpec) else raw_value(form, name)
    options = [UnitOption(spec.symbol, spec.symbol, spec.symbol == current) for spec in units]
    if current and not any(option.selected for option in options):
        options.insert(0, UnitOption(current, f"{current} (not recognised)", True))
    return options


def quantity_rows(form, prefix: str) -> list[FieldRow]:
    rows = []
    for q in form.quantities:
        rows.append(
            FieldRow(
                name=q.name,
                label=q.label[:1].upper() + q.label[1:],
                id=f"{prefix}-{q.name}",
                value=raw_value(form, q.name),
                error=error_slot(form, q.name, prefix),
                unit_name=q.unit_name,
                unit_id=f"{prefix}-{q.name}-unit",
                unit_options=unit_options(form, q.unit_name, q.units),
                unit_error=error_slot(form, q.unit_name, prefix),
            )
        )
    return rows


def plain_row(form: forms.Form, name: str, label: str, prefix: str) -> FieldRow:
    return FieldRow(
        name=name,
        label=label,
        id=f"{prefix}-{name.replace('_', '-')}",
        value=raw_value(form, name),
        error=error_slot(form, name, prefix),
    )


def all_error_slots(rows: list[FieldRow], extra: list[ErrorSlot]) -> list[ErrorSlot]:
    slots = [row.error for row in rows] + [row.unit_error for row in rows if row.unit_error] + extra
    return slots


def error_summary(form: forms.Form, rows: list[FieldRow], labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field id to link to, field label, message) for every error, in form order, for the live region."""
    if not form.is_bound:
        return []
    summary = []
    targets = {row.name: (row.id, row.label) for row in rows}
    targets |= {row.unit_name: (row.unit_id, f"{row.label} unit") for row in rows if row.unit_name}
    for name, messages in form.errors.items():
        target_id, label = targets.get(name, ("", labels.get(name, "")))
        summary += [(target_id, label, message) for message in messages]
    return summary


def is_bound(query: QueryDict, names: tuple[str, ...]) -> bool:
    """A form counts as submitted when any of its parameters is in the query string."""
    return any(name in query for name in names)
