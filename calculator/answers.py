"""From validated inputs to an answer a lab user reads: the value, the equation, the wording, warnings.

Django-free like the calculations; the forms build the inputs, the views and the API show the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pint

from .calculations import ONE, Dilution, DilutionTerm, is_molar, molecular_weight, solve_dilution, stock_table
from .display import auto_scale, auto_scale_base, format_exact, format_quantity
from .units import (
    BY_SYMBOL,
    LIMIT_TEXT,
    SIZE_IN_BASE,
    Kind,
    Quantity,
    UnitSpec,
    convert,
    value_within_limits,
    within_limits,
)

BALANCE_MINIMUM = Quantity(Decimal(1), "mg")
PIPETTE_MINIMUM = Quantity(Decimal(1), "µL")
SOLUBILITY_CAUTION = Quantity(Decimal(100), "mg/mL")


@dataclass(frozen=True)
class Given:
    """A quantity as the user gave it: the exact number and the unit they chose."""

    value: Decimal
    unit: UnitSpec

    @property
    def quantity(self) -> pint.Quantity:
        return Quantity(self.value, self.unit.pint_unit)

    @property
    def text(self) -> str:
        return f"{format_exact(self.value)} {self.unit.symbol}"


@dataclass(frozen=True)
class MolarityInputs:
    solve: str  # "mass" | "volume" | "concentration"
    mw: Decimal
    mw_label: str  # which MW this is, e.g. "Milnacipran Hydrochloride" or "batch-specific"
    mass: Given | None = None
    volume: Given | None = None
    concentration: Given | None = None
    purity: Decimal = ONE  # fraction
    # Results are always auto-scaled; a solved concentration comes out in this kind (molar by default).
    result_kind: Kind | None = None


@dataclass(frozen=True)
class Answer:
    solve: str
    value: Decimal  # unrounded, in ``unit``
    unit: UnitSpec
    display: str
    equation: str
    substituted: str
    instruction: str
    mw_used: Decimal | None
    mw_label: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def mw_text(self) -> str:
        return "" if self.mw_used is None else format_exact(self.mw_used)


def _show(q: pint.Quantity, kind: Kind) -> str:
    return format_quantity(*auto_scale(q, kind))


def _mw_text(mw: Decimal) -> str:
    return f"{format_exact(mw)} g/mol"


def _purity_text(purity: Decimal) -> str:
    return f"{format_exact(purity * 100)} %"


def _range_warning(q: pint.Quantity, kind: Kind, display: str) -> list[str]:
    if within_limits(q, kind):
        return []
    return [_range_text(kind, display)]


def _range_text(kind: Kind, display: str) -> str:
    return f"{display} is outside {LIMIT_TEXT[kind]}, the range of real lab work; check the numbers and units."


def _purity_clause(purity: Decimal) -> tuple[str, str]:
    """The equation's purity factor and its substituted text; empty at 100 %."""
    if purity == ONE:
        return "", ""
    return " ÷ purity", f" ÷ {_purity_text(purity)}"


# The molarity answers run on every widget keystroke and API call, so they do calculations.py's sums on
# plain Decimals: the same operations in the same order, each `.to()` being a multiplication by pint's
# factor (units.convert), so every digit is the same as with quantities (tests/calculator/test_fast_path.py).
GRAM_PER_MOLE = "gram / mole"
BALANCE_MINIMUM_MG = BALANCE_MINIMUM.to("mg").magnitude
PIPETTE_MINIMUM_ML = PIPETTE_MINIMUM.to("mL").magnitude
SOLUBILITY_CAUTION_MG_PER_ML = SOLUBILITY_CAUTION.to("mg/mL").magnitude
MG, ML, MM, MG_PER_ML = BY_SYMBOL["mg"], BY_SYMBOL["mL"], BY_SYMBOL["mM"], BY_SYMBOL["mg/mL"]


def _molar(c: Given, mw: Decimal) -> Decimal:
    """``calculations.to_molar`` of a given concentration, in molar."""
    if c.unit.kind == Kind.MOLAR_CONCENTRATION:
        return convert(c.value, c.unit.pint_unit, "molar")
    return convert(c.value / mw, f"{c.unit.pint_unit} / ({GRAM_PER_MOLE})", "molar")


def _mg_per_ml(c: Given, mw: Decimal) -> Decimal:
    """``calculations.to_mass_concentration`` of a given concentration, in mg/mL."""
    if c.unit.kind == Kind.MASS_CONCENTRATION:
        return convert(c.value, c.unit.pint_unit, "mg/mL")
    return convert(c.value * mw, f"{c.unit.pint_unit} * {GRAM_PER_MOLE}", "mg/mL")


def _scaled(value: Decimal, spec: UnitSpec) -> tuple[Decimal, UnitSpec]:
    return auto_scale_base(value * SIZE_IN_BASE[spec.symbol], spec.kind)


def _show_value(value: Decimal, spec: UnitSpec) -> str:
    return format_quantity(*_scaled(value, spec))


def _range_warnings(value: Decimal, spec: UnitSpec, display: str) -> list[str]:
    return [] if value_within_limits(value, spec) else [_range_text(spec.kind, display)]


def _solubility_warnings(mg_per_ml: Decimal) -> list[str]:
    if mg_per_ml <= SOLUBILITY_CAUTION_MG_PER_ML:
        return []
    return [
        f"That is {_show_value(mg_per_ml, MG_PER_ML)}; few compounds dissolve above 100 mg/mL, so check the "
        "solubility first."
    ]


def molarity_answer(inputs: MolarityInputs) -> Answer:
    solvers = {"mass": _mass_answer, "volume": _volume_answer, "concentration": _concentration_answer}
    return solvers[inputs.solve](inputs)


def _mass_answer(i: MolarityInputs) -> Answer:
    # calculations.mass_to_weigh
    mass = convert(
        _molar(i.concentration, i.mw) * i.volume.value * i.mw / i.purity,
        f"molar * {i.volume.unit.pint_unit} * {GRAM_PER_MOLE}",
        "mg",
    )
    value, unit = _scaled(mass, MG)
    display = format_quantity(value, unit)
    purity_eq, purity_sub = _purity_clause(i.purity)
    if i.concentration.unit.kind == Kind.MOLAR_CONCENTRATION:
        equation = f"mass = concentration × volume × MW{purity_eq}"
        substituted = f"mass = {i.concentration.text} × {i.volume.text} × {_mw_text(i.mw)}{purity_sub} = {display}"
    else:
        equation = f"mass = concentration × volume{purity_eq}"
        substituted = f"mass = {i.concentration.text} × {i.volume.text}{purity_sub} = {display}"
    what = "" if i.purity == ONE else f" of the {_purity_text(i.purity)} pure material"
    instruction = (
        f"Weigh {display}{what} and bring to a final volume of {i.volume.text} "
        f"to make a {i.concentration.text} solution."
    )
    warnings = _range_warnings(mass, MG, display)
    if mass < BALANCE_MINIMUM_MG:
        warnings.append(
            f"{display} is below 1 mg, less than a typical analytical balance weighs reliably; "
            "make a larger volume, or a more concentrated stock and dilute it."
        )
    warnings += _solubility_warnings(_mg_per_ml(i.concentration, i.mw))
    return Answer("mass", value, unit, display, equation, substituted, instruction, i.mw, i.mw_label, tuple(warnings))


def _volume_answer(i: MolarityInputs) -> Answer:
    # calculations.volume_to_dissolve
    volume = convert(
        i.mass.value * i.purity / (_molar(i.concentration, i.mw) * i.mw),
        f"{i.mass.unit.pint_unit} / (molar * {GRAM_PER_MOLE})",
        "mL",
    )
    value, unit = _scaled(volume, ML)
    display = format_quantity(value, unit)
    purity_eq = "" if i.purity == ONE else " × purity"
    purity_sub = "" if i.purity == ONE else f" × {_purity_text(i.purity)}"
    if i.concentration.unit.kind == Kind.MOLAR_CONCENTRATION:
        equation = f"volume = mass{purity_eq} ÷ (concentration × MW)"
        substituted = f"volume = {i.mass.text}{purity_sub} ÷ ({i.concentration.text} × {_mw_text(i.mw)}) = {display}"
    else:
        equation = f"volume = mass{purity_eq} ÷ concentration"
        substituted = f"volume = {i.mass.text}{purity_sub} ÷ {i.concentration.text} = {display}"
    instruction = (
        f"Dissolve {i.mass.text} and bring to a final volume of {display} to make a {i.concentration.text} solution."
    )
    warnings = _range_warnings(volume, ML, display)
    if volume < PIPETTE_MINIMUM_ML:
        warnings.append(
            f"{display} is below 1 µL, less than a pipette delivers reliably; "
            "use more material or make a lower concentration."
        )
    warnings += _solubility_warnings(_mg_per_ml(i.concentration, i.mw))
    return Answer("volume", value, unit, display, equation, substituted, instruction, i.mw, i.mw_label, tuple(warnings))


def _concentration_answer(i: MolarityInputs) -> Answer:
    # calculations.concentration_from, then to_mass_concentration
    molar = convert(
        i.mass.value * i.purity / (i.mw * i.volume.value),
        f"{i.mass.unit.pint_unit} / ({GRAM_PER_MOLE} * {i.volume.unit.pint_unit})",
        "mM",
    )
    density = convert(molar * i.mw, f"millimolar * {GRAM_PER_MOLE}", "mg/mL")
    if i.result_kind == Kind.MASS_CONCENTRATION:
        value, unit = _scaled(density, MG_PER_ML)
        other = _show_value(molar, MM)
    else:
        value, unit = _scaled(molar, MM)
        other = _show_value(density, MG_PER_ML)
    display = format_quantity(value, unit)
    purity_eq = "" if i.purity == ONE else " × purity"
    purity_sub = "" if i.purity == ONE else f" × {_purity_text(i.purity)}"
    equation = f"concentration = mass{purity_eq} ÷ (MW × volume)"
    substituted = f"concentration = {i.mass.text}{purity_sub} ÷ ({_mw_text(i.mw)} × {i.volume.text}) = {display}"
    instruction = f"{i.mass.text} brought to a final volume of {i.volume.text} gives {display} ({other})."
    warnings = _range_warnings(molar, MM, display) + _solubility_warnings(density)
    return Answer(
        "concentration", value, unit, display, equation, substituted, instruction, i.mw, i.mw_label, tuple(warnings)
    )


# Dilution ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DilutionInputs:
    solve: DilutionTerm
    c1: Given | None = None
    v1: Given | None = None
    c2: Given | None = None
    v2: Given | None = None
    mw: Decimal | None = None
    result_kind: Kind | None = None  # for a solved concentration; None: the kind of the other one


DILUTION_EQUATIONS = {
    DilutionTerm.V1: ("V1 = C2 × V2 ÷ C1", "V1 = {c2} × {v2} ÷ {c1}"),
    DilutionTerm.V2: ("V2 = C1 × V1 ÷ C2", "V2 = {c1} × {v1} ÷ {c2}"),
    DilutionTerm.C1: ("C1 = C2 × V2 ÷ V1", "C1 = {c2} × {v2} ÷ {v1}"),
    DilutionTerm.C2: ("C2 = C1 × V1 ÷ V2", "C2 = {c1} × {v1} ÷ {v2}"),
}


def _given_or_none(given: Given | None) -> pint.Quantity | None:
    return None if given is None else given.quantity


def dilution_answer(inputs: DilutionInputs) -> Answer:
    mw = None if inputs.mw is None else molecular_weight(inputs.mw)
    terms = {term: getattr(inputs, term.value) for term in DilutionTerm}
    dilution = Dilution(**{term.value: _given_or_none(given) for term, given in terms.items()})
    molar_result = None
    if inputs.result_kind in (Kind.MOLAR_CONCENTRATION, Kind.MASS_CONCENTRATION):
        molar_result = inputs.result_kind == Kind.MOLAR_CONCENTRATION
    result = solve_dilution(dilution=dilution, mw=mw, molar_result=molar_result)
    kind = Kind.VOLUME if inputs.solve in (DilutionTerm.V1, DilutionTerm.V2) else _kind_of(result)
    value, unit = auto_scale(result, kind)
    display = format_quantity(value, unit)
    texts = {term.value: (display if given is None else given.text) for term, given in terms.items()}
    equation, template = DILUTION_EQUATIONS[inputs.solve]
    substituted = f"{template.format(**texts)} = {display}"
    shown = {term: Given(value, unit) if given is None else given for term, given in terms.items()}
    instruction = _dilution_instruction(shown, inputs.solve, display)
    warnings = _range_warning(result, kind, display) + _dilution_warnings(shown)
    mw_used = inputs.mw if _mixes_kinds(shown) else None
    return Answer(
        inputs.solve.value, value, unit, display, equation, substituted, instruction, mw_used, "", tuple(warnings)
    )


def _kind_of(concentration: pint.Quantity) -> Kind:
    return Kind.MOLAR_CONCENTRATION if is_molar(concentration) else Kind.MASS_CONCENTRATION


def _mixes_kinds(shown: dict[DilutionTerm, Given]) -> bool:
    return shown[DilutionTerm.C1].unit.kind != shown[DilutionTerm.C2].unit.kind


def _dilution_instruction(shown: dict[DilutionTerm, Given], solve: DilutionTerm, display: str) -> str:
    c1, v1, c2, v2 = (shown[t] for t in (DilutionTerm.C1, DilutionTerm.V1, DilutionTerm.C2, DilutionTerm.V2))
    diluent = _show(v2.quantity - v1.quantity.to(v2.quantity.units), Kind.VOLUME) if v2.quantity > v1.quantity else ""
    plus = f" plus {diluent} of diluent" if diluent else ""
    top_up = f" and add {diluent} of diluent" if diluent else ""
    if solve == DilutionTerm.C1:
        return f"The stock must be {display}: {v1.text} of it{plus} makes {v2.text} at {c2.text}."
    if solve == DilutionTerm.C2:
        return f"{v1.text} of the {c1.text} stock{plus} makes {v2.text} at {display}."
    v1_text = display if solve == DilutionTerm.V1 else v1.text
    v2_text = display if solve == DilutionTerm.V2 else v2.text
    return f"Take {v1_text} of the {c1.text} stock{top_up} to make {v2_text} at {c2.text}."


def _dilution_warnings(shown: dict[DilutionTerm, Given]) -> list[str]:
    v1 = shown[DilutionTerm.V1].quantity
    if v1 >= PIPETTE_MINIMUM:
        return []
    return [
        f"{_show(v1, Kind.VOLUME)} of stock is below 1 µL, less than a pipette delivers reliably; "
        "make an intermediate dilution first."
    ]


# Stock table for display ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockTable:
    masses: tuple[str, ...]  # column headings, e.g. "1 mg"
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (concentration heading, volumes)


@lru_cache(maxsize=512)  # a pure function of two numbers; per process, nothing to keep in step
def stock_table_display(*, mw: Decimal, purity: Decimal = ONE) -> StockTable:
    masses, rows = stock_table(mw=molecular_weight(mw), purity=purity)
    return StockTable(
        masses=tuple(f"{format_exact(Decimal(m.magnitude))} mg" for m in masses),
        rows=tuple(
            (
                f"{format_exact(Decimal(row.concentration.magnitude))} mM",
                tuple(_show(v, Kind.VOLUME) for v in row.volumes),
            )
            for row in rows
        ),
    )
