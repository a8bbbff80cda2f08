"""Field validators for identifiers staff type into the admin; each message says how to fix it."""

import re

from django.core.exceptions import ValidationError

CAS_PATTERN = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
INCHIKEY_PATTERN = re.compile(r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")
# Element symbols with optional counts, dot-separated components (hydrates, salts), optional charge.
FORMULA_PATTERN = re.compile(r"^(\d*([A-Z][a-z]?\d*)+)([.·]\d*([A-Z][a-z]?\d*)+)*([+-]\d*)?$")


def cas_check_digit(digits: str) -> int:
    """The CAS check digit: each digit times its position counted from the right, summed, mod 10."""
    return sum(position * int(digit) for position, digit in enumerate(reversed(digits), start=1)) % 10


def is_valid_cas(value: str) -> bool:
    match = CAS_PATTERN.match(value)
    if not match:
        return False
    return cas_check_digit(match.group(1) + match.group(2)) == int(match.group(3))


def validate_cas_number(value: str) -> None:
    match = CAS_PATTERN.match(value)
    if not match:
        raise ValidationError("Enter a CAS number as digits in three groups, like 96847-55-1.", code="cas_format")
    expected = cas_check_digit(match.group(1) + match.group(2))
    if expected != int(match.group(3)):
        raise ValidationError(
            "CAS number %(value)s fails its check digit: the last digit should be %(expected)s.",
            code="cas_check_digit",
            params={"value": value, "expected": expected},
        )


def validate_inchikey(value: str) -> None:
    if not INCHIKEY_PATTERN.match(value):
        raise ValidationError(
            "An InChIKey is 27 characters: 14 capital letters, a hyphen, 10 capital letters, a hyphen and "
            "one capital letter (e.g. GJJFMKBJSRMPLA-HIFRSBDPSA-N).",
            code="inchikey_format",
        )


def validate_molecular_formula(value: str) -> None:
    if not FORMULA_PATTERN.match(value):
        raise ValidationError(
            "Enter a molecular formula of element symbols and counts, like C15H22N2O.", code="formula_format"
        )


def validate_positive(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError("Must be greater than zero.", code="not_positive")
