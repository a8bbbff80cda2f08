"""Turning exact results into text: auto-scaled units, significant figures, round-half-even.

Rounding happens here and only here; the calculation functions never round.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from .units import BY_SYMBOL, LADDERS, SIZE_IN_BASE, UnitSpec, in_base

SIGNIFICANT_FIGURES = 4

# Beyond these magnitudes (in the chosen unit) a number is written as a power of ten.
PLAIN_MIN = Decimal("0.001")
PLAIN_MAX = Decimal("1e6")
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def round_significant(value: Decimal, figures: int = SIGNIFICANT_FIGURES) -> Decimal:
    """``value`` rounded half-to-even to ``figures`` significant figures, keeping trailing zeros."""
    if value.is_zero():
        return Decimal(0).quantize(Decimal(1).scaleb(-(figures - 1)))
    rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - figures + 1), rounding=ROUND_HALF_EVEN)
    if rounded.adjusted() > value.adjusted():  # 0.99997 -> 1.0000: one figure too many
        rounded = rounded.quantize(Decimal(1).scaleb(rounded.adjusted() - figures + 1), rounding=ROUND_HALF_EVEN)
    return rounded


def format_significant(value: Decimal, figures: int = SIGNIFICANT_FIGURES) -> str:
    """``2.4635`` -> ``"2.464"``; ``400`` -> ``"400.0"``; ``1.5e9`` -> ``"1.500 × 10⁹"``."""
    rounded = round_significant(value, figures)
    if rounded.is_zero() or PLAIN_MIN <= abs(rounded) < PLAIN_MAX:
        return _plain(rounded)
    exponent = rounded.adjusted()
    mantissa = round_significant(rounded.scaleb(-exponent), figures)
    return f"{_plain(mantissa)} × 10{str(exponent).translate(SUPERSCRIPTS)}"


def _plain(value: Decimal) -> str:
    return format(value, "f")


def format_exact(value: Decimal) -> str:
    """A user's own number echoed back without padding: ``Decimal("1.500")`` -> ``"1.5"``."""
    normalized = value.normalize()
    if PLAIN_MIN <= abs(normalized) < PLAIN_MAX or normalized.is_zero():
        return _plain(normalized)
    exponent = normalized.adjusted()
    return f"{_plain(normalized.scaleb(-exponent))} × 10{str(exponent).translate(SUPERSCRIPTS)}"


def format_plain(value: Decimal) -> str:
    """A number as stored or computed, without padding zeros or an exponent: ``246.3500`` -> ``"246.35"``."""
    return _plain(value.normalize())


def auto_scale(value: Decimal, unit: UnitSpec) -> tuple[Decimal, UnitSpec]:
    """``value`` (in ``unit``) in the most readable unit of its kind.

    That is the largest unit in which the displayed value reaches its floor (``units.LADDERS``). The
    floor is tested on the rounded value so 999.97 µL shows as 1.000 mL, not 1000 µL.
    """
    base = in_base(value, unit)
    for symbol, floor in LADDERS[unit.kind]:
        scaled = base / SIZE_IN_BASE[symbol]
        if round_significant(scaled) >= floor:
            return scaled, BY_SYMBOL[symbol]
    raise AssertionError("every ladder ends with a floor of zero")  # pragma: no cover


def format_quantity(value: Decimal, spec: UnitSpec) -> str:
    return f"{format_significant(value)} {spec.symbol}"
