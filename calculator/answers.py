"""From validated inputs to an answer a lab user reads: the value, the equation, the wording, warnings.

Django-free like the calculations; the forms build the inputs, the views and the API show the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from .calculations import (
    MG,
    MG_PER_ML,
    ML,
    MM,
    ONE,
    STOCK_TABLE_MASSES_MG,
    Dilution,
    DilutionTerm,
    Given,
    concentration_from,
    diluent_volume,
    mass_concentration,
    mass_to_weigh,
    molar,
    solve_dilution,
    stock_table,
    volume_to_dissolve,
)
from .display import auto_scale, format_exact, format_quantity
from .units import BY_SYMBOL, LIMIT_TEXT, Kind, UnitSpec, within_limits

BALANCE_MINIMUM = Given(Decimal(1), MG)
PIPETTE_MINIMUM = Given(Decimal(1), BY_SYMBOL["µL"])
SOLUBILITY_CAUTION = Given(Decimal(100), MG_PER_ML)
# Within the input limits but more than a lab usually prepares at once: answered, with a warning.
LARGE_AMOUNTS = {Kind.MASS: Given(Decimal(1), BY_SYMBOL["kg"]), Kind.VOLUME: Given(Decimal(100), BY_SYMBOL["L"])}


@dataclass(frozen=True)
class AqueousSolubility:
    """A measured solubility in water, for a warning; only ever a measurement, never an estimate."""

    molar: Decimal  # mol/L
    of: str  # whose measurement it is, e.g. "Milnacipran" or "the parent (free base or acid) of X"
    source: str  # e.g. "Huuskonen 2000"


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
    aqueous_solubility: AqueousSolubility | None = None  # the compound's measured one, where there is one


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


def _text(given: Given) -> str:
    """A given quantity as the user typed it, without padding: "1.5 mL"."""
    return f"{format_exact(given.value)} {given.unit.symbol}"


def _show(value: Decimal, unit: UnitSpec) -> str:
    return format_quantity(*auto_scale(value, unit))


def _mw_text(mw: Decimal) -> str:
    return f"{format_exact(mw)} g/mol"


def _purity_text(purity: Decimal) -> str:
    return f"{format_exact(purity * 100)} %"


def _range_warnings(value: Decimal, unit: UnitSpec, display: str) -> list[str]:
    if within_limits(value, unit):
        return []
    return [f"{display} is outside {LIMIT_TEXT[unit.kind]}, the range of real lab work; check the numbers and units."]


def _large_amount_warnings(*amounts: tuple[Given, str]) -> list[str]:
    """A warning for each amount (a mass or volume, with its text as shown) above what a lab usually prepares.

    An amount beyond the input limits has its range warning already, so it gets no second one.
    """
    warnings = []
    for amount, text in amounts:
        large = LARGE_AMOUNTS[amount.unit.kind]
        if within_limits(amount.value, amount.unit) and amount.exceeds(large):
            unusual = "an unusual amount to prepare at once; check the numbers and units."
            warnings.append(f"{text} is more than {_text(large)}, {unusual}")
    return warnings


def _purity_clause(purity: Decimal) -> tuple[str, str]:
    """The equation's purity factor and its substituted text; empty at 100 %."""
    if purity == ONE:
        return "", ""
    return " ÷ purity", f" ÷ {_purity_text(purity)}"


def _solubility_warnings(mg_per_ml: Decimal) -> list[str]:
    if not Given(mg_per_ml, MG_PER_ML).exceeds(SOLUBILITY_CAUTION):
        return []
    return [
        f"That is {_show(mg_per_ml, MG_PER_ML)}; few compounds dissolve above 100 mg/mL, so check the solubility first."
    ]


def _measured_solubility_warnings(i: MolarityInputs, concentration: Given, text: str) -> list[str]:
    """A warning when the concentration (shown as ``text``) is above the compound's measured aqueous solubility."""
    solubility = i.aqueous_solubility
    if solubility is None or molar(concentration=concentration, mw=i.mw) <= solubility.molar:
        return []
    measured = _show(solubility.molar * 1000, MM)
    return [
        f"{text} is above the measured aqueous solubility of "
        f"{solubility.of}, {measured} ({solubility.source}). That was measured in water: a stock in DMSO "
        "or another solvent dissolves a different amount, so check the solubility in yours."
    ]


def molarity_answer(inputs: MolarityInputs) -> Answer:
    solvers = {"mass": _mass_answer, "volume": _volume_answer, "concentration": _concentration_answer}
    return solvers[inputs.solve](inputs)


def _mass_answer(i: MolarityInputs) -> Answer:
    mass = mass_to_weigh(concentration=i.concentration, volume=i.volume, mw=i.mw, purity=i.purity)
    value, unit = auto_scale(mass, MG)
    display = format_quantity(value, unit)
    purity_eq, purity_sub = _purity_clause(i.purity)
    concentration, volume = _text(i.concentration), _text(i.volume)
    if i.concentration.unit.kind == Kind.MOLAR_CONCENTRATION:
        equation = f"mass = concentration × volume × MW{purity_eq}"
        substituted = f"mass = {concentration} × {volume} × {_mw_text(i.mw)}{purity_sub} = {display}"
    else:
        equation = f"mass = concentration × volume{purity_eq}"
        substituted = f"mass = {concentration} × {volume}{purity_sub} = {display}"
    what = "" if i.purity == ONE else f" of the {_purity_text(i.purity)} pure material"
    instruction = f"Weigh {display}{what} and bring to a final volume of {volume} to make a {concentration} solution."
    warnings = _range_warnings(mass, MG, display)
    warnings += _large_amount_warnings((Given(mass, MG), display), (i.volume, volume))
    if BALANCE_MINIMUM.exceeds(Given(mass, MG)):
        warnings.append(
            f"{display} is below 1 mg, less than a typical analytical balance weighs reliably; "
            "make a larger volume, or a more concentrated stock and dilute it."
        )
    warnings += _solubility_warnings(mass_concentration(concentration=i.concentration, mw=i.mw))
    warnings += _measured_solubility_warnings(i, i.concentration, concentration)
    return Answer("mass", value, unit, display, equation, substituted, instruction, i.mw, i.mw_label, tuple(warnings))


def _volume_answer(i: MolarityInputs) -> Answer:
    volume = volume_to_dissolve(mass=i.mass, concentration=i.concentration, mw=i.mw, purity=i.purity)
    value, unit = auto_scale(volume, ML)
    display = format_quantity(value, unit)
    purity_eq = "" if i.purity == ONE else " × purity"
    purity_sub = "" if i.purity == ONE else f" × {_purity_text(i.purity)}"
    mass, concentration = _text(i.mass), _text(i.concentration)
    if i.concentration.unit.kind == Kind.MOLAR_CONCENTRATION:
        equation = f"volume = mass{purity_eq} ÷ (concentration × MW)"
        substituted = f"volume = {mass}{purity_sub} ÷ ({concentration} × {_mw_text(i.mw)}) = {display}"
    else:
        equation = f"volume = mass{purity_eq} ÷ concentration"
        substituted = f"volume = {mass}{purity_sub} ÷ {concentration} = {display}"
    instruction = f"Dissolve {mass} and bring to a final volume of {display} to make a {concentration} solution."
    warnings = _range_warnings(volume, ML, display)
    warnings += _large_amount_warnings((Given(volume, ML), display), (i.mass, mass))
    if PIPETTE_MINIMUM.exceeds(Given(volume, ML)):
        warnings.append(
            f"{display} is below 1 µL, less than a pipette delivers reliably; "
            "use more material or make a lower concentration."
        )
    warnings += _solubility_warnings(mass_concentration(concentration=i.concentration, mw=i.mw))
    warnings += _measured_solubility_warnings(i, i.concentration, concentration)
    return Answer("volume", value, unit, display, equation, substituted, instruction, i.mw, i.mw_label, tuple(warnings))


def _concentration_answer(i: MolarityInputs) -> Answer:
    molar = concentration_from(mass=i.mass, volume=i.volume, mw=i.mw, purity=i.purity)
    density = mass_concentration(concentration=Given(molar, MM), mw=i.mw)
    if i.result_kind == Kind.MASS_CONCENTRATION:
        value, unit = auto_scale(density, MG_PER_ML)
        other = _show(molar, MM)
    else:
        value, unit = auto_scale(molar, MM)
        other = _show(density, MG_PER_ML)
    display = format_quantity(value, unit)
    purity_eq = "" if i.purity == ONE else " × purity"
    purity_sub = "" if i.purity == ONE else f" × {_purity_text(i.purity)}"
    mass, volume = _text(i.mass), _text(i.volume)
    equation = f"concentration = mass{purity_eq} ÷ (MW × volume)"
    substituted = f"concentration = {mass}{purity_sub} ÷ ({_mw_text(i.mw)} × {volume}) = {display}"
    instruction = f"{mass} brought to a final volume of {volume} gives {display} ({other})."
    warnings = _range_warnings(molar, MM, display) + _large_amount_warnings((i.mass, mass), (i.volume, volume))
    warnings += _solubility_warnings(density)
    warnings += _measured_solubility_warnings(i, Given(value, unit), display)
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


def dilution_answer(inputs: DilutionInputs) -> Answer:
    terms = {term: getattr(inputs, term.value) for term in DilutionTerm}
    molar_result = None
    if inputs.result_kind in (Kind.MOLAR_CONCENTRATION, Kind.MASS_CONCENTRATION):
        molar_result = inputs.result_kind == Kind.MOLAR_CONCENTRATION
    result, result_unit = solve_dilution(
        dilution=Dilution(**{term.value: given for term, given in terms.items()}),
        mw=inputs.mw,
        molar_result=molar_result,
    )
    value, unit = auto_scale(result, result_unit)
    display = format_quantity(value, unit)
    texts = {term.value: (display if given is None else _text(given)) for term, given in terms.items()}
    equation, template = DILUTION_EQUATIONS[inputs.solve]
    substituted = f"{template.format(**texts)} = {display}"
    shown = {term: Given(value, unit) if given is None else given for term, given in terms.items()}
    instruction = _dilution_instruction(shown, inputs.solve, display)
    warnings = _range_warnings(result, result_unit, display)
    warnings += _large_amount_warnings(
        *((shown[term], texts[term.value]) for term in (DilutionTerm.V1, DilutionTerm.V2))
    )
    warnings += _dilution_warnings(shown)
    mw_used = inputs.mw if _mixes_kinds(shown) else None
    return Answer(
        inputs.solve.value, value, unit, display, equation, substituted, instruction, mw_used, "", tuple(warnings)
    )


def _mixes_kinds(shown: dict[DilutionTerm, Given]) -> bool:
    return shown[DilutionTerm.C1].unit.kind != shown[DilutionTerm.C2].unit.kind


def _dilution_instruction(shown: dict[DilutionTerm, Given], solve: DilutionTerm, display: str) -> str:
    c1, v1, c2, v2 = (shown[t] for t in (DilutionTerm.C1, DilutionTerm.V1, DilutionTerm.C2, DilutionTerm.V2))
    diluent = diluent_volume(stock=v1, final=v2)
    diluent_text = "" if diluent is None else _show(diluent, v2.unit)
    plus = f" plus {diluent_text} of diluent" if diluent_text else ""
    top_up = f" and add {diluent_text} of diluent" if diluent_text else ""
    if solve == DilutionTerm.C1:
        return f"The stock must be {display}: {_text(v1)} of it{plus} makes {_text(v2)} at {_text(c2)}."
    if solve == DilutionTerm.C2:
        return f"{_text(v1)} of the {_text(c1)} stock{plus} makes {_text(v2)} at {display}."
    v1_text = display if solve == DilutionTerm.V1 else _text(v1)
    v2_text = display if solve == DilutionTerm.V2 else _text(v2)
    return f"Take {v1_text} of the {_text(c1)} stock{top_up} to make {v2_text} at {_text(c2)}."


def _dilution_warnings(shown: dict[DilutionTerm, Given]) -> list[str]:
    v1 = shown[DilutionTerm.V1]
    if not PIPETTE_MINIMUM.exceeds(v1):
        return []
    return [
        f"{_show(v1.value, v1.unit)} of stock is below 1 µL, less than a pipette delivers reliably; "
        "make an intermediate dilution first."
    ]


# Stock table for display ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockTable:
    masses: tuple[str, ...]  # column headings, e.g. "1 mg"
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (concentration heading, volumes)


@lru_cache(maxsize=512)  # a pure function of two numbers; per process, nothing to keep in step
def stock_table_display(*, mw: Decimal, purity: Decimal = ONE) -> StockTable:
    rows = stock_table(mw=mw, purity=purity)
    return StockTable(
        masses=tuple(f"{format_exact(m)} mg" for m in STOCK_TABLE_MASSES_MG),
        rows=tuple(
            (f"{format_exact(row.concentration_mm)} mM", tuple(_show(v, ML) for v in row.volumes_ml)) for row in rows
        ),
    )
