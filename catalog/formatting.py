"""How the catalog writes a stored number: as entered, without the padding zeros its column adds.

(The calculator has its own ``display.format_plain``: the two apps share no code by design, see the import
contracts in pyproject.toml.)
"""

from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal | int | str | None) -> str:
    """``Decimal("246.3500")`` -> ``"246.35"``, ``Decimal("100.000")`` -> ``"100"``; None -> ``""``."""
    return "" if value is None else format(Decimal(value).normalize(), "f")
