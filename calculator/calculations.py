"""The calculations, as plain typed functions of pint quantities. No Django, no rounding.

Purity is a fraction in (0, 1]: a powder that is 98 % compound has ``purity=Decimal("0.98")``.
A concentration may be molar (mM) or mass per volume (mg/mL); the molecular weight bridges them.
Every function returns an exact ``Decimal`` quantity; the caller chooses the unit to show it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import pint

from .units import Quantity, ureg

ONE = Decimal(1)
MOLAR = "[substance] / [length] ** 3"
MASS_PER_VOLUME = "[mass] / [length] ** 3"

STOCK_TABLE_MASSES_MG: tuple[Decimal, ...] = (Decimal(1), Decimal(5), Decimal(10))
STOCK_TABLE_CONCENTRATIONS_MM: tuple[Decimal, ...] = (Decimal(1), Decimal(5), Decimal(10), Decimal(50))


class CalculationError(ValueError):
    """Inputs that are each valid but impossible together, e.g. a dilution that would concentrate."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def is_molar(concentration: pint.Quantity) -> bool:
    return concentration.check(MOLAR)


def to_molar(concentration: pint.Quantity, *, mw: pint.Quantity | None) -> pint.Quantity:
    """A concentration as mol/L; a mass concentration needs the MW (C = ρ / MW)."""
    if is_molar(concentration):
        return concentration.to("molar")
    if mw is None:
        raise CalculationError("mw", "A molecular weight is needed to convert between molar and mass concentrations.")
    return (concentration / mw).to("molar")


def to_mass_concentration(concentration: pint.Quantity, *, mw: pint.Quantity | None) -> pint.Quantity:
    """A concentration as mg/mL (ρ = C × MW)."""
    if concentration.check(MASS_PER_VOLUME):
        return concentration.to("mg/mL")
    if mw is None:
        raise CalculationError("mw", "A molecular weight is needed to convert between molar and mass concentrations.")
    return (concentration * mw).to("mg/mL")


# The three modes of the seed's calculator -----------------------------------------------------------


def mass_to_weigh(
    *, concentration: pint.Quantity, volume: pint.Quantity, mw: pint.Quantity, purity: Decimal = ONE
) -> pint.Quantity:
    """Mass of material to weigh: m = C × V × MW ÷ purity (the impure powder is heavier)."""
    return (to_molar(concentration, mw=mw) * volume * mw / purity).to("mg")


def volume_to_dissolve(
    *, mass: pint.Quantity, concentration: pint.Quantity, mw: pint.Quantity, purity: Decimal = ONE
) -> pint.Quantity:
    """Final volume to bring ``mass`` of material to: V = m × purity ÷ (C × MW)."""
    return (mass * purity / (to_molar(concentration, mw=mw) * mw)).to("mL")


def concentration_from(
    *, mass: pint.Quantity, volume: pint.Quantity, mw: pint.Quantity, purity: Decimal = ONE
) -> pint.Quantity:
    """Molar concentration of ``mass`` of material in a final ``volume``: C = m × purity ÷ (MW × V)."""
    return (mass * purity / (mw * volume)).to("mM")


# Dilution: C1 × V1 = C2 × V2 -------------------------------------------------------------------------


class DilutionTerm(StrEnum):
    C1 = "c1"  # stock concentration
    V1 = "v1"  # volume of stock to take
    C2 = "c2"  # final (working) concentration
    V2 = "v2"  # final volume


@dataclass(frozen=True)
class Dilution:
    """The four terms; exactly one is ``None`` (the one to solve)."""

    c1: pint.Quantity | None
    v1: pint.Quantity | None
    c2: pint.Quantity | None
    v2: pint.Quantity | None


def solve_dilution(
    *, dilution: Dilution, mw: pint.Quantity | None = None, molar_result: bool | None = None
) -> pint.Quantity:
    """The missing term of C1·V1 = C2·V2.

    When the two concentrations are of different kinds (mM and mg/mL) the MW bridges them; a solved
    concentration comes out molar if ``molar_result`` is true, as mass per volume if false, and in the
    kind of the other concentration if ``None``.
    """
    missing = [term for term in DilutionTerm if getattr(dilution, term.value) is None]
    if len(missing) != 1:
        raise ValueError("exactly one of c1, v1, c2, v2 must be None")
    solvers = {
        DilutionTerm.V1: _solve_v1,
        DilutionTerm.V2: _solve_v2,
        DilutionTerm.C1: _solve_c1,
        DilutionTerm.C2: _solve_c2,
    }
    return solvers[missing[0]](dilution, mw, molar_result)


def _same_basis(a: pint.Quantity, b: pint.Quantity, mw: pint.Quantity | None) -> tuple[pint.Quantity, pint.Quantity]:
    """Two concentrations in one unit, using the MW only if their kinds differ."""
    if is_molar(a) == is_molar(b):
        return a, b.to(a.units)
    return to_molar(a, mw=mw), to_molar(b, mw=mw)


def _check_not_concentrating(c1: pint.Quantity, c2: pint.Quantity) -> None:
    if c2 > c1:
        raise CalculationError(
            "c2", "The final concentration is above the stock concentration; dilution cannot do that."
        )


def _check_volumes(v1: pint.Quantity, v2: pint.Quantity) -> None:
    if v1 > v2:
        raise CalculationError("v1", "The volume of stock is more than the final volume.")


def _solve_v1(d: Dilution, mw: pint.Quantity | None, _molar: bool | None) -> pint.Quantity:
    c1, c2 = _same_basis(d.c1, d.c2, mw)
    _check_not_concentrating(c1, c2)
    return (c2 * d.v2 / c1).to("mL")


def _solve_v2(d: Dilution, mw: pint.Quantity | None, _molar: bool | None) -> pint.Quantity:
    c1, c2 = _same_basis(d.c1, d.c2, mw)
    _check_not_concentrating(c1, c2)
    return (c1 * d.v1 / c2).to("mL")


def _in_kind(concentration: pint.Quantity, molar: bool, mw: pint.Quantity | None) -> pint.Quantity:
    return to_molar(concentration, mw=mw) if molar else to_mass_concentration(concentration, mw=mw)


def _solve_c1(d: Dilution, mw: pint.Quantity | None, molar: bool | None) -> pint.Quantity:
    _check_volumes(d.v1, d.v2)
    c1 = d.c2 * d.v2 / d.v1
    return _in_kind(c1, is_molar(d.c2) if molar is None else molar, mw)


def _solve_c2(d: Dilution, mw: pint.Quantity | None, molar: bool | None) -> pint.Quantity:
    _check_volumes(d.v1, d.v2)
    c2 = d.c1 * d.v1 / d.v2
    return _in_kind(c2, is_molar(d.c1) if molar is None else molar, mw)


# Stock-solution table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    concentration: pint.Quantity
    volumes: tuple[pint.Quantity, ...]  # one per mass, in the order of the table's masses


def stock_table(
    *,
    mw: pint.Quantity,
    purity: Decimal = ONE,
    masses: tuple[pint.Quantity, ...] | None = None,
    concentrations: tuple[pint.Quantity, ...] | None = None,
) -> tuple[tuple[pint.Quantity, ...], tuple[StockRow, ...]]:
    """Volumes to bring each mass to, for each concentration (defaults: 1, 5, 10 mg × 1, 5, 10, 50 mM).

    V is proportional to m ÷ C, so one volume is computed with pint and the rest scaled from it
    exactly (twelve cells, one unit conversion: the widget redraws this table on every keystroke).
    """
    masses = masses or tuple(Quantity(m, "mg") for m in STOCK_TABLE_MASSES_MG)
    concentrations = concentrations or tuple(Quantity(c, "mM") for c in STOCK_TABLE_CONCENTRATIONS_MM)
    unit = volume_to_dissolve(mass=Quantity(ONE, "mg"), concentration=Quantity(ONE, "mM"), mw=mw, purity=purity)
    unit_ml = Decimal(unit.to("mL").magnitude)
    masses_mg = [Decimal(m.to("mg").magnitude) for m in masses]
    rows = tuple(
        StockRow(
            concentration=c,
            volumes=tuple(Quantity(unit_ml * m / Decimal(c.to("mM").magnitude), "mL") for m in masses_mg),
        )
        for c in concentrations
    )
    return masses, rows


def molecular_weight(value: Decimal) -> pint.Quantity:
    return Quantity(value, ureg.gram / ureg.mole)
