"""The calculations, as plain typed functions of exact Decimals. No Django, no rounding.

Every number comes with one of our units (``units.UNITS``), and every unit conversion multiplies by
the factor pint computes for it once (``units.convert``): pint stays the authority on units, and a
calculation costs a few Decimal operations instead of building quantities on every keystroke. Each
function does the sums pint would do on quantities, in the same order, so every digit is pint's
(tests/calculator/test_calculations.py checks them against pint).

Purity is a fraction in (0, 1]: a powder that is 98 % compound has ``purity=Decimal("0.98")``.
A concentration may be molar (mM) or mass per volume (mg/mL); the molecular weight (g/mol) bridges
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .units import BY_SYMBOL, Kind, UnitSpec, convert, in_base

ONE = Decimal(1)
GRAM_PER_MOLE = "gram / mole"
MG, ML, MM, MOLAR, MG_PER_ML = (BY_SYMBOL[symbol] for symbol in ("mg", "mL", "mM", "M", "mg/mL"))

STOCK_TABLE_MASSES_MG: tuple[Decimal, ...] = (Decimal(1), Decimal(5), Decimal(10))
STOCK_TABLE_CONCENTRATIONS_MM: tuple[Decimal, ...] = (Decimal(1), Decimal(5), Decimal(10), Decimal(50))


class CalculationError(ValueError):
    """Inputs that are each valid but impossible together, e.g. a dilution that would concentrate."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Given:
    """A number in one of our units: what the user typed (exactly, in the unit they chose), or a result."""

    value: Decimal
    unit: UnitSpec

    def exceeds(self, other: Given) -> bool:
        """``self > other`` as pint compares: the numbers if the units are one, else both in the kind's base unit."""
        if self.unit == other.unit:
            return self.value > other.value
        return in_base(self.value, self.unit) > in_base(other.value, other.unit)


MW_NEEDED = "A molecular weight is needed to convert between molar and mass concentrations."


def molar(*, concentration: Given, mw: Decimal | None) -> Decimal:
    """The concentration in mol/L; a mass concentration needs the MW (C = ρ ÷ MW)."""
    return _molar(concentration.value, concentration.unit.pint_unit, concentration.unit.kind, mw)


def mass_concentration(*, concentration: Given, mw: Decimal | None) -> Decimal:
    """The concentration in mg/mL; a molar concentration needs the MW (ρ = C × MW)."""
    return _mass_concentration(concentration.value, concentration.unit.pint_unit, concentration.unit.kind, mw)


# These take the unit as a pint expression, for the compound units a dilution produces (mM × mL ÷ µL).
def _molar(value: Decimal, units: str, kind: Kind, mw: Decimal | None) -> Decimal:
    if kind == Kind.MOLAR_CONCENTRATION:
        return convert(value, units, "molar")
    if mw is None:
        raise CalculationError("mw", MW_NEEDED)
    return convert(value / mw, f"{units} / ({GRAM_PER_MOLE})", "molar")


def _mass_concentration(value: Decimal, units: str, kind: Kind, mw: Decimal | None) -> Decimal:
    if kind == Kind.MASS_CONCENTRATION:
        return convert(value, units, "mg/mL")
    if mw is None:
        raise CalculationError("mw", MW_NEEDED)
    return convert(value * mw, f"{units} * {GRAM_PER_MOLE}", "mg/mL")


# The three modes of the seed's calculator -----------------------------------------------------------


def mass_to_weigh(*, concentration: Given, volume: Given, mw: Decimal, purity: Decimal = ONE) -> Decimal:
    """Mass of material to weigh, in mg: m = C × V × MW ÷ purity (the impure powder is heavier)."""
    c = molar(concentration=concentration, mw=mw)
    return convert(c * volume.value * mw / purity, f"molar * {volume.unit.pint_unit} * {GRAM_PER_MOLE}", "mg")


def volume_to_dissolve(*, mass: Given, concentration: Given, mw: Decimal, purity: Decimal = ONE) -> Decimal:
    """Final volume to bring ``mass`` of material to, in mL: V = m × purity ÷ (C × MW)."""
    c = molar(concentration=concentration, mw=mw)
    return convert(mass.value * purity / (c * mw), f"{mass.unit.pint_unit} / (molar * {GRAM_PER_MOLE})", "mL")


def concentration_from(*, mass: Given, volume: Given, mw: Decimal, purity: Decimal = ONE) -> Decimal:
    """Molar concentration of ``mass`` of material in a final ``volume``, in mM: C = m × purity ÷ (MW × V)."""
    units = f"{mass.unit.pint_unit} / ({GRAM_PER_MOLE} * {volume.unit.pint_unit})"
    return convert(mass.value * purity / (mw * volume.value), units, "mM")


# Dilution: C1 × V1 = C2 × V2 -------------------------------------------------------------------------


class DilutionTerm(StrEnum):
    C1 = "c1"  # stock concentration
    V1 = "v1"  # volume of stock to take
    C2 = "c2"  # final (working) concentration
    V2 = "v2"  # final volume


@dataclass(frozen=True)
class Dilution:
    """The four terms; exactly one is ``None`` (the one to solve)."""

    c1: Given | None
    v1: Given | None
    c2: Given | None
    v2: Given | None


def solve_dilution(
    *, dilution: Dilution, mw: Decimal | None = None, molar_result: bool | None = None
) -> tuple[Decimal, UnitSpec]:
    """The missing term of C1·V1 = C2·V2, and its unit: mL for a volume, M or mg/mL for a concentration.

    When the two concentrations are of different kinds (mM and mg/mL) the MW bridges them; a solved
    concentration comes out molar if ``molar_result`` is true, as mass per volume if false, and in the
    kind of the other concentration if ``None``.
    """
    missing = [term for term in DilutionTerm if getattr(dilution, term.value) is None]
    if len(missing) != 1:
        raise ValueError("exactly one of c1, v1, c2, v2 must be None")
    d = dilution
    if missing[0] in (DilutionTerm.V1, DilutionTerm.V2):
        c1, c2 = _same_basis(d.c1, d.c2, mw)
        if c2 > c1:
            raise CalculationError(
                "c2", "The final concentration is above the stock concentration; dilution cannot do that."
            )
        # C1 and C2 are in one unit, which cancels and leaves the given volume's unit.
        if missing[0] == DilutionTerm.V1:  # V1 = C2 × V2 ÷ C1
            return convert(c2 * d.v2.value / c1, d.v2.unit.pint_unit, "mL"), ML
        return convert(c1 * d.v1.value / c2, d.v1.unit.pint_unit, "mL"), ML  # V2 = C1 × V1 ÷ C2
    if d.v1.exceeds(d.v2):
        raise CalculationError("v1", "The volume of stock is more than the final volume.")
    # The solved concentration is of the other's kind, in a compound unit (mM × mL ÷ µL, say).
    if missing[0] == DilutionTerm.C1:  # C1 = C2 × V2 ÷ V1
        c, v_top, v_bottom = d.c2, d.v2, d.v1
    else:  # C2 = C1 × V1 ÷ V2
        c, v_top, v_bottom = d.c1, d.v1, d.v2
    value = c.value * v_top.value / v_bottom.value
    units = f"({c.unit.pint_unit}) * {v_top.unit.pint_unit} / {v_bottom.unit.pint_unit}"
    if molar_result is None:
        molar_result = c.unit.kind == Kind.MOLAR_CONCENTRATION
    if molar_result:
        return _molar(value, units, c.unit.kind, mw), MOLAR
    return _mass_concentration(value, units, c.unit.kind, mw), MG_PER_ML


def _same_basis(a: Given, b: Given, mw: Decimal | None) -> tuple[Decimal, Decimal]:
    """Two concentrations in one unit: ``b`` in ``a``'s if they are of one kind, else both molar (by the MW)."""
    if a.unit.kind == b.unit.kind:
        return a.value, convert(b.value, b.unit.pint_unit, a.unit.pint_unit)
    return molar(concentration=a, mw=mw), molar(concentration=b, mw=mw)


def diluent_volume(*, stock: Given, final: Given) -> Decimal | None:
    """V2 − V1 in the final volume's unit: what to add to the stock; None when the stock is all of it."""
    if not final.exceeds(stock):
        return None
    return final.value - convert(stock.value, stock.unit.pint_unit, final.unit.pint_unit)


# Stock-solution table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    concentration_mm: Decimal
    volumes_ml: tuple[Decimal, ...]  # one per mass, in the order of the table's masses


def stock_table(
    *,
    mw: Decimal,
    purity: Decimal = ONE,
    masses_mg: tuple[Decimal, ...] = STOCK_TABLE_MASSES_MG,
    concentrations_mm: tuple[Decimal, ...] = STOCK_TABLE_CONCENTRATIONS_MM,
) -> tuple[StockRow, ...]:
    """Volumes to bring each mass to, for each concentration (defaults: 1, 5, 10 mg × 1, 5, 10, 50 mM).

    V is proportional to m ÷ C, so one volume is computed and the rest scaled from it exactly (twelve
    cells, one unit conversion: the widget redraws this table on every keystroke).
    """
    one = volume_to_dissolve(mass=Given(ONE, MG), concentration=Given(ONE, MM), mw=mw, purity=purity)
    return tuple(StockRow(c, tuple(one * m / c for m in masses_mg)) for c in concentrations_mm)
