"""Field validators for what staff type or import: identifier formats, and text free of control characters.

Each message says how to fix it. They sit on the model fields, so the admin, the importer and every
form apply them alike.
"""

import re

from django.core.exceptions import ValidationError

# \Z, not $: "$" also matches before a trailing newline, which would let "96847-55-1\n" through.
CAS_PATTERN = re.compile(r"^(\d{2,7})-(\d{2})-(\d)\Z")
INCHIKEY_PATTERN = re.compile(r"^[A-Z]{14}-[A-Z]{10}-[A-Z]\Z")
# Element symbols with optional counts, dot-separated components (hydrates, salts), optional charge.
FORMULA_PATTERN = re.compile(r"^(\d*([A-Z][a-z]?\d*)+)([.·]\d*([A-Z][a-z]?\d*)+)*([+-]\d*)?\Z")

# Control characters no text field may hold: C0 (NUL among them; PostgreSQL refuses it outright), DEL
# and C1. Multi-line text keeps tab, line feed and carriage return (browsers send textarea lines as
# CRLF); a single-line field refuses them too, and every other line break str.splitlines() knows.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
NOT_SINGLE_LINE = re.compile(f"{CONTROL.pattern}|{LINE_BREAK.pattern}|\t")
CONTROL_NAMES = {"\x00": "NUL"}
# Addresses under /compounds/ that are pages of their own, so no compound may take them as its slug.
RESERVED_SLUGS = ("structure",)


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is the address of a page of the site (/compounds/%(slug)s/); choose another slug.",
            params={"slug": value},
            code="reserved",
        )


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


def _control_error(char: str, position: int) -> ValidationError:
    name = f"U+{ord(char):04X}" + (f" ({CONTROL_NAMES[char]})" if char in CONTROL_NAMES else "")
    return ValidationError(
        "Remove the control character %(name)s at character %(position)s: text cannot hold it.",
        code="control_character",
        params={"name": name, "position": position},
    )


def validate_single_line(value: str) -> None:
    """One line of text (names, identifiers, captions): no line break, tab or other control character."""
    match = NOT_SINGLE_LINE.search(value)
    if match is None:
        return
    char, position = match.group(), match.start() + 1
    if char == "\t" or LINE_BREAK.match(char):
        raise ValidationError(
            "Keep this on one line: it has %(what)s at character %(position)s.",
            code="not_single_line",
            params={"what": "a tab" if char == "\t" else "a line break", "position": position},
        )
    raise _control_error(char, position)


def validate_text(value: str) -> None:
    """Multi-line text (paragraphs, notes): line breaks and tabs are fine, other control characters are not."""
    match = CONTROL.search(value)
    if match is not None:
        raise _control_error(match.group(), match.start() + 1)
