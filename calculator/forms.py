"""Parsing and validating what the user typed (query-string parameters) into calculation inputs.

Every message names what is wrong and how to fix it, and is attached to the field at fault: the
number field (``mass``) or its unit (``mass_unit``). Nothing gets a default unit: a number without a
unit is an error; only the quantity being solved for may leave its unit empty (then it is
auto-scaled).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms

from .answers import Answer, AqueousSolubility, DilutionInputs, MolarityInputs, dilution_answer, molarity_answer
from .calculations import CalculationError, DilutionTerm, Given
from .formula import FormulaError, molecular_weight_of_formula
from .units import (
    CONCENTRATION_KINDS,
    LIMIT_TEXT,
    Kind,
    UnitError,
    UnitSpec,
    lookup_unit,
    units_of,
    within_limits,
)

MAX_NUMBER_LENGTH = 40
NUMBER = r"\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NUMBER_PATTERN = re.compile(NUMBER)
NUMBER_WITH_UNIT = re.compile(NUMBER + r"\s*[^\s0-9.].*", re.DOTALL)
# Exponents beyond this are typos; refusing them early keeps Decimal arithmetic from overflowing.
MAX_EXPONENT = 30
MW_RANGE = (Decimal(1), Decimal(1_000_000))
MW_RANGE_TEXT = "1 to 1,000,000 g/mol"

DECIMAL_COMMA = "Use a decimal point, not a comma: write 2.5, not 2,5 (and no thousands separators)."
NOT_POSITIVE = "Enter a number greater than zero."
NOT_FINITE = "Enter a finite number."
NOT_A_NUMBER = "Enter a number, such as 2.5 or 1e-3."
UNIT_IN_NUMBER = "Enter only the number here, and choose the unit from the list."


def parse_number(text: str) -> Decimal:
    """A positive decimal from what the user typed; ``forms.ValidationError`` saying why not."""
    cleaned = text.strip()
    if len(cleaned) > MAX_NUMBER_LENGTH:
        raise forms.ValidationError(f"That is too long for a number (at most {MAX_NUMBER_LENGTH} characters).")
    if "," in cleaned:
        raise forms.ValidationError(DECIMAL_COMMA)
    lowered = cleaned.lower().lstrip("+-−")
    if lowered.startswith(("nan", "inf", "∞")):
        raise forms.ValidationError(NOT_FINITE)
    if cleaned.startswith(("-", "−")):
        raise forms.ValidationError(NOT_POSITIVE)
    if not NUMBER_PATTERN.fullmatch(cleaned):
        raise forms.ValidationError(UNIT_IN_NUMBER if NUMBER_WITH_UNIT.fullmatch(cleaned) else NOT_A_NUMBER)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise forms.ValidationError(NOT_A_NUMBER) from None
    if value.is_zero():
        raise forms.ValidationError(NOT_POSITIVE)
    if abs(value.adjusted()) > MAX_EXPONENT:
        raise forms.ValidationError(f"That number is absurdly {'large' if value.adjusted() > 0 else 'small'}.")
    return value


def _kind_or_none(unit: UnitSpec | None) -> Kind | None:
    return None if unit is None else unit.kind


class BuiltPerForm:
    """A field that Django's per-form deep copy rebuilds from its arguments instead of copying.

    Django deep-copies every declared field into every form, so that no form changes a field another
    form uses. Building the field afresh gives the same guarantee (every form gets new objects; Field
    copies its error messages, validators and widget when it is built) at a fraction of the cost, and
    these forms are built on every widget keystroke and API call.
    """

    def __new__(cls, *args, **kwargs):
        field = super().__new__(cls)
        field.arguments = (args, kwargs)  # as the field was built, before any __init__ adds its own
        return field

    def __deepcopy__(self, memo: dict) -> forms.Field:
        args, kwargs = self.arguments
        return type(self)(*args, **kwargs)


class NumberField(BuiltPerForm, forms.Field):
    """A positive number, or ``None`` when left empty (whether it is needed is the form's call)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: str | None) -> Decimal | None:
        if value is None or not str(value).strip():
            return None
        return parse_number(str(value))


class UnitField(BuiltPerForm, forms.Field):
    """A unit symbol of the given kinds, or ``None`` when empty."""

    def __init__(self, *, kinds: tuple[Kind, ...], **kwargs) -> None:
        super().__init__(required=False, **kwargs)
        self.kinds = kinds

    def to_python(self, value: str | None) -> UnitSpec | None:
        if value is None or not str(value).strip():
            return None
        if len(str(value)) > MAX_NUMBER_LENGTH:
            raise forms.ValidationError("That is too long for a unit.")
        try:
            return lookup_unit(str(value), kinds=self.kinds)
        except UnitError as error:
            raise forms.ValidationError(str(error)) from None


class TextField(BuiltPerForm, forms.CharField):
    """Text as typed (a slug, a formula)."""


class SolveField(BuiltPerForm, forms.Field):
    """Which quantity to calculate: one of ``values``, else ``message``.

    Not a ChoiceField: the templates draw the choices themselves, and building ChoiceField's choice
    machinery for each form would cost more than all the other fields together.
    """

    def __init__(self, *, values: tuple[str, ...], message: str) -> None:
        super().__init__(error_messages={"required": message, "invalid_choice": message})
        self.values = values

    def validate(self, value: str | None) -> None:
        super().validate(value)
        if value not in self.values:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


@dataclass(frozen=True)
class QuantityField:
    """How one quantity appears on the form: its number field, unit field, label and units."""

    name: str
    label: str
    kinds: tuple[Kind, ...]

    @property
    def unit_name(self) -> str:
        return f"{self.name}_unit"

    @property
    def units(self) -> list[UnitSpec]:
        return units_of(*self.kinds)


MOLARITY_QUANTITIES = (
    QuantityField("mass", "mass", (Kind.MASS,)),
    QuantityField("volume", "final volume", (Kind.VOLUME,)),
    QuantityField("concentration", "concentration", CONCENTRATION_KINDS),
)
MOLARITY_GIVENS = {
    "mass": ("concentration", "volume"),
    "volume": ("mass", "concentration"),
    "concentration": ("mass", "volume"),
}

DILUTION_QUANTITIES = (
    QuantityField("c1", "stock concentration (C1)", CONCENTRATION_KINDS),
    QuantityField("v1", "volume of stock (V1)", (Kind.VOLUME,)),
    QuantityField("c2", "final concentration (C2)", CONCENTRATION_KINDS),
    QuantityField("v2", "final volume (V2)", (Kind.VOLUME,)),
)


def _quantity_fields(quantities: tuple[QuantityField, ...]) -> dict[str, forms.Field]:
    fields = {}
    for q in quantities:
        fields[q.name] = NumberField()
        fields[q.unit_name] = UnitField(kinds=q.kinds)
    return fields


class CalculationForm(forms.Form):
    """Shared machinery: read a given quantity, a molecular weight, a result unit."""

    quantities: tuple[QuantityField, ...] = ()
    answer: Answer | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built for this form, after the declared fields so errors come in the order the form shows them.
        self.fields.update(_quantity_fields(self.quantities))

    def quantity_field(self, name: str) -> QuantityField:
        return next(q for q in self.quantities if q.name == name)

    def given(self, name: str) -> Given | None:
        """The named quantity if the user gave a usable number and unit; errors on the field if not."""
        q = self.quantity_field(name)
        if name in self.errors or q.unit_name in self.errors:
            return None
        value, unit = self.cleaned_data.get(name), self.cleaned_data.get(q.unit_name)
        if value is None:
            self.add_error(name, f"Enter the {q.label}.")
        if unit is None:
            self.add_error(q.unit_name, f"Choose the unit of the {q.label}.")
        if value is None or unit is None:
            return None
        if not within_limits(value, unit):
            self.add_error(name, f"Enter a {q.label} from {LIMIT_TEXT[unit.kind]}.")
            return None
        return Given(value, unit)

    def molecular_weight_value(self, name: str, *, required: bool) -> Decimal | None:
        if name in self.errors:
            return None
        mw = self.cleaned_data.get(name)
        if mw is None:
            if required:
                self.add_error(name, "Enter the molecular weight in g/mol.")
            return None
        if not MW_RANGE[0] <= mw <= MW_RANGE[1]:
            self.add_error(name, f"Enter a molecular weight from {MW_RANGE_TEXT}.")
            return None
        return mw

    def ignore_solved_number(self, name: str) -> None:
        """The number in the solved quantity's field is not used, so it cannot be at fault."""
        self.errors.pop(name, None)

    def run(self, calculate, inputs) -> None:
        try:
            self.answer = calculate(inputs)
        except CalculationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)


class MolarityForm(CalculationForm):
    """Mass, volume or concentration from the other two and the MW (the seed's three modes)."""

    quantities = MOLARITY_QUANTITIES
    solve = SolveField(
        values=tuple(MOLARITY_GIVENS), message="Choose what to calculate: mass, volume or concentration."
    )
    purity = NumberField()

    def clean_purity(self) -> Decimal:
        purity = self.cleaned_data.get("purity")
        if purity is None:
            return Decimal(100)
        if purity > 100:
            raise forms.ValidationError("Purity is a percentage: at most 100.")
        return purity

    def molecular_weight(self) -> tuple[Decimal, str] | None:
        """The MW to use and what it is; subclasses know where it comes from."""
        raise NotImplementedError

    def aqueous_solubility(self) -> AqueousSolubility | None:
        """The compound's measured aqueous solubility; only a form that knows its compound has one."""
        return None

    def clean(self) -> dict:
        cleaned = super().clean()
        solve = cleaned.get("solve")
        if not solve:
            return cleaned
        self.ignore_solved_number(solve)
        givens = {name: self.given(name) for name in MOLARITY_GIVENS[solve]}
        mw = self.molecular_weight()
        if self.errors or mw is None:
            return cleaned
        inputs = MolarityInputs(
            solve=solve,
            mw=mw[0],
            mw_label=mw[1],
            purity=cleaned["purity"] / 100,
            result_kind=_kind_or_none(cleaned.get(f"{solve}_unit")),
            aqueous_solubility=self.aqueous_solubility(),
            **givens,
        )
        self.run(molarity_answer, inputs)
        return cleaned


class ApiMolarityForm(MolarityForm):
    """The JSON API's form: the MW is a number."""

    mw = NumberField()

    def molecular_weight(self) -> tuple[Decimal, str] | None:
        mw = self.molecular_weight_value("mw", required=True)
        return None if mw is None else (mw, "as given")


class StandaloneMolarityForm(ApiMolarityForm):
    """The standalone page: an MW, or a molecular formula from which the MW is computed."""

    formula = TextField(required=False, max_length=200, strip=True)

    def molecular_weight(self) -> tuple[Decimal, str] | None:
        if self.cleaned_data.get("mw") is not None or "mw" in self.errors:
            return super().molecular_weight()
        formula = self.cleaned_data.get("formula", "")
        if "formula" in self.errors:
            return None
        if not formula:
            self.add_error("mw", "Enter a molecular weight, or a molecular formula to compute it from.")
            return None
        try:
            mw = molecular_weight_of_formula(formula)
        except FormulaError as error:
            self.add_error("formula", str(error))
            return None
        if not MW_RANGE[0] <= mw <= MW_RANGE[1]:
            self.add_error("formula", f"That formula weighs {mw} g/mol, outside {MW_RANGE_TEXT}.")
            return None
        return mw, f"from {formula} with RDKit's standard atomic weights"


@dataclass(frozen=True)
class VialForm:
    """A form of the compound the user may have in the vial (free base or a salt) and its MW."""

    slug: str
    label: str
    mw: Decimal


class WidgetForm(MolarityForm):
    """The compound page's widget: the MW comes from the form in the vial, or a batch-specific MW."""

    vial = TextField(required=False)
    batch_mw = NumberField()

    def __init__(
        self, *args, vial_forms: list[VialForm], solubility: AqueousSolubility | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.vial_forms = vial_forms
        self.solubility = solubility

    def aqueous_solubility(self) -> AqueousSolubility | None:
        return self.solubility

    def molecular_weight(self) -> tuple[Decimal, str] | None:
        if self.cleaned_data.get("batch_mw") is not None or "batch_mw" in self.errors:
            mw = self.molecular_weight_value("batch_mw", required=True)
            return None if mw is None else (mw, "batch-specific MW, as entered")
        slug = self.cleaned_data.get("vial") or self.vial_forms[0].slug
        chosen = next((form for form in self.vial_forms if form.slug == slug), None)
        if chosen is None:
            self.add_error("vial", "Choose one of the listed forms.")
            return None
        return chosen.mw, chosen.label


class DilutionForm(CalculationForm):
    """C1·V1 = C2·V2: any one term from the other three; the MW bridges mM and mg/mL."""

    quantities = DILUTION_QUANTITIES
    solve = SolveField(values=tuple(DilutionTerm), message="Choose what to calculate: c1, v1, c2 or v2.")
    mw = NumberField()

    def clean(self) -> dict:
        cleaned = super().clean()
        solve = cleaned.get("solve")
        if not solve:
            return cleaned
        term = DilutionTerm(solve)
        self.ignore_solved_number(solve)
        givens = {t.value: self.given(t.value) for t in DilutionTerm if t != term}
        mw = self.molecular_weight_value("mw", required=False)
        if self.errors:
            return cleaned
        result_unit = cleaned.get(f"{solve}_unit")
        if mw is None and self._needs_mw(givens, result_unit):
            self.add_error("mw", "One concentration is molar and the other mass per volume: enter the MW to convert.")
            return cleaned
        inputs = DilutionInputs(solve=term, mw=mw, result_kind=_kind_or_none(result_unit), **givens)
        self.run(dilution_answer, inputs)
        return cleaned

    @staticmethod
    def _needs_mw(givens: dict[str, Given | None], result_unit: UnitSpec | None) -> bool:
        kinds = {given.unit.kind for name, given in givens.items() if name in ("c1", "c2") and given}
        if result_unit is not None and result_unit.kind in CONCENTRATION_KINDS:
            kinds.add(result_unit.kind)
        return len(kinds) > 1
