from decimal import Decimal

import pytest

from catalog.formatting import plain_decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("246.3500"), "246.35"),
        (Decimal("100.000"), "100"),
        (Decimal("0.001000"), "0.001"),
        (Decimal("1E+2"), "100"),
        (None, ""),
    ],
)
def test_a_stored_number_is_shown_as_entered(value, shown):
    assert plain_decimal(value) == shown
