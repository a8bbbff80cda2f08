"""From validated inputs to an answer a lab user reads: the value, the equation, the wording, warnings.

Django-free like the calculations; the forms build the inputs, the views and the API show the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pint

from .calculations import (
    ONE,
    Dilution,
    DilutionTerm,
    concentration_from,
    is_molar,
    mass_to_weigh,
    molecular_weight,
    solve_dilution,
    stock_table,
    to_mass_concentration,
    volume_to_dissolve,
)
from .display import auto_scale, format_exact, format_quantity
from .units import LIMIT_TEXT, Kind, Quantity, UnitSpec, within_limits

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
    return [f"{display} is outside {LIMIT_TEXT[kind]}, the range of real lab work; check the numbers and units."]


def _solubility_warning(concentration: pint.Quantity, mw: pint.Quantity) -> list[str]:
    density = to_mass_concentration(concentration, mw=mw)
    if density <= SOLUBILITY_CAUTION:
        return []
    return [
        f"That is {_show(density, Kind.MASS_CONCENTRATION)}; few compounds dissolve above 100 mg/mL, so check the "
        "solubility first."
    ]


def _purity_clause(purity: Decimal) -> tuple[str, str]:
    """The equation's purity factor and its substituted text; empty at 100 %."""
    if purity == ONE:
        return "", ""
    return " ÷ purity", f" ÷ {_purity_text(purity)}"


def molarity_answer(inputs: MolarityInputs) -> Answer:
    solvers = {"mass": _mass_answer, "volume": _volume_answer, "concentration": _concentration_answer}
    return solvers[inputs.solve](inputs)


def _mass_answer(i: MolarityInputs) -> Answer:
    mw = molecular_weight(i.mw)
    mass = mass_to_weigh(concentration=i.concentration.quantity, volume=i.volume.quantity, mw=mw, purity=i.purity)
    value, unit = auto_scale(mass, Kind.MASS)
    display = format_quantity(value, unit)
    purity_eq, purity_sub = _purity_clause(i.purity)
    if is_molar(i.concentration.quantity):
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
    warnings = _range_warning(mass, Kind.MASS, display)
    if mass < BALANCE_MINIMUM:
        warnings.append(
            f"{display} is below 1 mg, less than a typical analytical balance weighs reliably; "
            "make a larger volume, or a more concentrated stock and dilute it."
        )
    warnings += _solubility_warning(i.concentration.quantity, mw)
    return Answer("mass", value, unit, display, equation, substituted, instruction, i.mw, i.mw_label, tuple(warnings))


def _volume_answer(i: MolarityInputs) -> Answer:
    mw = molecular_weight(i.mw)
    volume = volume_to_dissolve(mass=i.mass.quantity, concentration=i.concentration.quantity, mw=mw, purity=i.purity)
    value, unit = auto_scale(volume, Kind.VOLUME)
    display = format_quantity(value, unit)
    purity_eq = "" if i.purity == ONE else " × purity"
    purity_sub = "" if i.purity == ONE else f" × {_purity_text(i.purity)}"
    if is_molar(i.concentration.quantity):
        equation = f"volume = mass{purity_eq} ÷ (concentration × MW)"
        substituted = f"volume = {i.mass.text}{purity_sub} ÷ ({i.concentration.text} × {_mw_text(i.mw)}) = {display}"
    else:
        equation = f"volume = mass{purity_eq} ÷ concentration"
        substituted = f"volume = {i.mass.text}{purity_sub} ÷ {i.concentration.text} = {display}"
    instruction = (
        f"Dissolve {i.mass.text} and bring to a final volume of {display} to make a {i.concentration.text} solution."
    )
    warnings = _range_warning(volume, Kind.VOLUME, display)
    if volume < PIPETTE_MINIMUM:
        warnings.append(
            f"{display} is below 1 µL, less than a pipette delivers reliably; "
            "use more material or make a lower concentration."
        )
    warnings += _solubility_warning(i.concentration.quantity, mw)
    return Answer("volume", value, unit, display, equation, substituted, instruction, i.mw, i.mw_label, tuple(warnings))


def _concentration_answer(i: MolarityInputs) -> Answer:
    mw = molecular_weight(i.mw)
    molar = concentration_from(mass=i.mass.quantity, volume=i.volume.quantity, mw=mw, purity=i.purity)
    density = to_mass_concentration(molar, mw=mw)
    if i.result_kind == Kind.MASS_CONCENTRATION:
        value, unit = auto_scale(density, Kind.MASS_CONCENTRATION)
        other = _show(molar, Kind.MOLAR_CONCENTRATION)
    else:
        value, unit = auto_scale(molar, Kind.MOLAR_CONCENTRATION)
        other = _show(density, Kind.MASS_CONCENTRATION)
    display = format_quantity(value, unit)
    purity_eq = "" if i.purity == ONE else " × purity"
    purity_sub = "" if i.purity == ONE else f" × {_purity_text(i.purity)}"
    equation = f"concentration = mass{purity_eq} ÷ (MW × volume)"
    substituted = f"concentration = {i.mass.text}{purity_sub} ÷ ({_mw_text(i.mw)} × {i.volume.text}) = {display}"
    instruction = f"{i.mass.text} brought to a final volume of {i.volume.text} gives {display} ({other})."
    warnings = _range_warning(molar, Kind.MOLAR_CONCENTRATION, display) + _solubility_warning(molar, mw)
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
