"""The site's one pint registry and the units a user may type.

Quantities from two registries cannot be combined, so every module imports ``ureg`` from here.
The registry is built once, at import (about 0.2 s), and uses ``Decimal`` magnitudes so that no
intermediate is rounded in binary: 10 mM x 1 mL x 246.35 g/mol is exactly 2.4635 mg, and
round-half-even at display sees the true tie.

Units are accepted from a closed list rather than anything pint can parse: pint is case-sensitive
(``mm`` is millimetre, ``MM`` megamolar), and a whitelist per kind of quantity turns a slip into a
clear message instead of a wrong answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache

import pint

ureg = pint.UnitRegistry(non_int_type=Decimal)
Quantity = ureg.Quantity

MICRO = "µ"  # U+00B5 MICRO SIGN, as units are written on the form and in the API.


class Kind(StrEnum):
    MASS = "mass"
    VOLUME = "volume"
    MOLAR_CONCENTRATION = "molar concentration"
    MASS_CONCENTRATION = "mass concentration"


CONCENTRATION_KINDS = (Kind.MOLAR_CONCENTRATION, Kind.MASS_CONCENTRATION)


class UnitError(ValueError):
    """A unit the user wrote is unknown, or of the wrong kind for the field."""


@dataclass(frozen=True)
class UnitSpec:
    symbol: str  # as shown on the form and returned by the API
    pint_unit: str
    kind: Kind


def _spec(symbol: str, pint_unit: str, kind: Kind) -> UnitSpec:
    return UnitSpec(symbol=symbol, pint_unit=pint_unit, kind=kind)


# Ordered small to large within each kind; the form lists them in this order.
UNITS: tuple[UnitSpec, ...] = (
    _spec("pg", "picogram", Kind.MASS),
    _spec("ng", "nanogram", Kind.MASS),
    _spec("µg", "microgram", Kind.MASS),
    _spec("mg", "milligram", Kind.MASS),
    _spec("g", "gram", Kind.MASS),
    _spec("kg", "kilogram", Kind.MASS),
    _spec("nL", "nanoliter", Kind.VOLUME),
    _spec("µL", "microliter", Kind.VOLUME),
    _spec("mL", "milliliter", Kind.VOLUME),
    _spec("L", "liter", Kind.VOLUME),
    _spec("pM", "picomolar", Kind.MOLAR_CONCENTRATION),
    _spec("nM", "nanomolar", Kind.MOLAR_CONCENTRATION),
    _spec("µM", "micromolar", Kind.MOLAR_CONCENTRATION),
    _spec("mM", "millimolar", Kind.MOLAR_CONCENTRATION),
    _spec("M", "molar", Kind.MOLAR_CONCENTRATION),
    _spec("ng/mL", "nanogram / milliliter", Kind.MASS_CONCENTRATION),
    _spec("µg/mL", "microgram / milliliter", Kind.MASS_CONCENTRATION),
    _spec("mg/L", "milligram / liter", Kind.MASS_CONCENTRATION),
    _spec("mg/mL", "milligram / milliliter", Kind.MASS_CONCENTRATION),
    _spec("g/L", "gram / liter", Kind.MASS_CONCENTRATION),
    # % w/v is grams per 100 mL, i.e. 10 mg/mL.
    _spec("% w/v", "gram / deciliter", Kind.MASS_CONCENTRATION),
)

BY_SYMBOL: dict[str, UnitSpec] = {spec.symbol: spec for spec in UNITS}

# Other spellings users type. Case matters where it changes meaning (mM vs MM); the litre may be
# written with a lower-case l because no other unit here ends in l.
ALIASES: dict[str, str] = {
    "μg": "µg",  # Greek small mu
    "ug": "µg",
    "mcg": "µg",
    "nl": "nL",
    "μL": "µL",
    "uL": "µL",
    "µl": "µL",
    "μl": "µL",
    "ul": "µL",
    "ml": "mL",
    "l": "L",
    "μM": "µM",
    "uM": "µM",
    "mol/L": "M",
    "μg/mL": "µg/mL",
    "ug/mL": "µg/mL",
    "ng/ml": "ng/mL",
    "µg/ml": "µg/mL",
    "ug/ml": "µg/mL",
    "mg/ml": "mg/mL",
    "mg/l": "mg/L",
    "g/l": "g/L",
    "%w/v": "% w/v",
    "% (w/v)": "% w/v",
}

# Where the user likely slipped (case, an ambiguous percent): say so rather than only "unknown".
_CASE = "units are case-sensitive; did you mean {}?"
HINTS: dict[str, str] = {
    "mm": _CASE.format("mM"),
    "MM": _CASE.format("mM"),
    "nm": _CASE.format("nM"),
    "um": _CASE.format("µM"),
    "µm": _CASE.format("µM"),
    "pm": _CASE.format("pM"),
    "m": _CASE.format("M"),
    "%": "a bare % is ambiguous (w/w, v/v or w/v); write % w/v for grams per 100 mL",
}

KIND_EXAMPLES: dict[Kind, str] = {
    Kind.MASS: "a mass unit (pg, ng, µg, mg, g, kg)",
    Kind.VOLUME: "a volume unit (nL, µL, mL, L)",
    Kind.MOLAR_CONCENTRATION: "a molar unit (pM, nM, µM, mM, M)",
    Kind.MASS_CONCENTRATION: "a mass-per-volume unit (ng/mL, µg/mL, mg/L, mg/mL, g/L, % w/v)",
}


def units_of(*kinds: Kind) -> list[UnitSpec]:
    return [spec for spec in UNITS if spec.kind in kinds]


def lookup_unit(text: str, *, kinds: tuple[Kind, ...]) -> UnitSpec:
    """The unit spec for ``text`` if it is one of ``kinds``; ``UnitError`` with a helpful message if not."""
    cleaned = " ".join(text.split())
    spec = BY_SYMBOL.get(ALIASES.get(cleaned, cleaned))
    wanted = " or ".join(KIND_EXAMPLES[kind] for kind in kinds)
    if spec is None:
        if cleaned in HINTS:
            raise UnitError(f"Unknown unit “{cleaned}”: {HINTS[cleaned]}")
        raise UnitError(f"Unknown unit “{cleaned}”. Use {wanted}.")
    if spec.kind not in kinds:
        raise UnitError(f"“{spec.symbol}” is {KIND_EXAMPLES[spec.kind].split(' (')[0]}; use {wanted}.")
    return spec


@cache  # keyed by expressions built from UNITS, so a finite set
def conversion_factor(src: str, dst: str) -> Decimal | None:
    """Pint's factor from unit expression ``src`` to ``dst``; None if they are one unit (pint leaves the number)."""
    if ureg.Unit(src) == ureg.Unit(dst):
        return None
    return Decimal(Quantity(Decimal(1), src).to(dst).magnitude)


def convert(value: Decimal, src: str, dst: str) -> Decimal:
    """``Quantity(value, src).to(dst).magnitude`` without building quantities: pint also multiplies by the factor.

    Every factor between our units is an exact power of ten, so a conversion rounds only where the
    number itself has more than 28 significant digits, exactly as pint's own does.
    """
    factor = conversion_factor(src, dst)
    return value if factor is None else value * factor


# Each unit's size in its kind's first unit (mg in pg, mL in nL, ...), computed once with pint, so that
# auto-scaling and range checks convert a number once instead of once per candidate unit.
KIND_BASE: dict[Kind, UnitSpec] = {}
for _unit in UNITS:
    KIND_BASE.setdefault(_unit.kind, _unit)
del _unit
SIZE_IN_BASE: dict[str, Decimal] = {
    spec.symbol: convert(Decimal(1), spec.pint_unit, KIND_BASE[spec.kind].pint_unit) for spec in UNITS
}


def in_base(value: Decimal, unit: UnitSpec) -> Decimal:
    """``value`` (in ``unit``) in its kind's first unit: comparable across units of one kind."""
    return value * SIZE_IN_BASE[unit.symbol]


# Auto-scaling ladders, largest unit first, with the smallest value each unit is used for. Masses
# stay in mg down to 0.1 mg because balances read in mg (0.6159 mg, not 615.9 µg); everything else
# switches unit below 1.
LADDERS: dict[Kind, tuple[tuple[str, Decimal], ...]] = {
    Kind.MASS: (
        ("kg", Decimal(1)),
        ("g", Decimal(1)),
        ("mg", Decimal("0.1")),
        ("µg", Decimal(1)),
        ("ng", Decimal(1)),
        ("pg", Decimal(0)),
    ),
    Kind.VOLUME: (("L", Decimal(1)), ("mL", Decimal(1)), ("µL", Decimal(1)), ("nL", Decimal(0))),
    Kind.MOLAR_CONCENTRATION: (
        ("M", Decimal(1)),
        ("mM", Decimal(1)),
        ("µM", Decimal(1)),
        ("nM", Decimal(1)),
        ("pM", Decimal(0)),
    ),
    Kind.MASS_CONCENTRATION: (("mg/mL", Decimal(1)), ("µg/mL", Decimal(1)), ("ng/mL", Decimal(0))),
}

# What an input may be: beyond these the number is a typo or a unit slip, not a lab quantity. Large
# preparations (a buffer of tens of litres, kilograms of salt) lie within them; answers.py warns about
# amounts that are possible but unusual. (low, high, unit symbol for the message)
LIMITS: dict[Kind, tuple[Decimal, Decimal, str]] = {
    Kind.MASS: (Decimal("1"), Decimal("1e17"), "pg"),  # 1 pg to 100 kg
    Kind.VOLUME: (Decimal("1"), Decimal("1e12"), "nL"),  # 1 nL to 1,000 L
    Kind.MOLAR_CONCENTRATION: (Decimal("1"), Decimal("2e13"), "pM"),  # 1 pM to 20 M
    Kind.MASS_CONCENTRATION: (Decimal("0.001"), Decimal("1e9"), "ng/mL"),  # 0.001 ng/mL to 1000 mg/mL
}
LIMIT_TEXT: dict[Kind, str] = {
    Kind.MASS: "1 pg to 100 kg",
    Kind.VOLUME: "1 nL to 1,000 L",
    Kind.MOLAR_CONCENTRATION: "1 pM to 20 M",
    Kind.MASS_CONCENTRATION: "0.001 ng/mL to 1000 mg/mL (100 % w/v)",
}


def within_limits(value: Decimal, unit: UnitSpec) -> bool:
    """Whether ``value`` (in ``unit``) lies within its kind's input limits."""
    low, high, symbol = LIMITS[unit.kind]
    return low <= in_base(value, unit) / SIZE_IN_BASE[symbol] <= high
