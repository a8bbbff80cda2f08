"""Field validators: identifiers' formats, and control characters in text."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import (
    Compound,
    Description,
    PharmacokineticParameter,
    Reference,
    Section,
    Synonym,
    TrialRow,
    TrialTable,
)
from catalog.validators import (
    validate_cas_number,
    validate_inchikey,
    validate_molecular_formula,
    validate_single_line,
    validate_text,
)


def message(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return " ".join(caught.value.messages)


# -- one line ---------------------------------------------------------------------------------------


def test_single_line_accepts_ordinary_text():
    assert validate_single_line("(1R,2S)-2-(aminomethyl)-N,N-diethyl-1-phenylcyclopropane-1-carboxamide µ°±") is None


def test_single_line_refuses_a_line_feed():
    assert message(validate_single_line, "Milnacipran\nVC0006221") == (
        "Keep this on one line: it has a line break at character 12."
    )


def test_single_line_refuses_a_carriage_return():
    assert message(validate_single_line, "a\rb") == "Keep this on one line: it has a line break at character 2."


def test_single_line_refuses_a_unicode_line_separator():
    assert message(validate_single_line, "a\u2028b") == "Keep this on one line: it has a line break at character 2."


def test_single_line_refuses_a_tab():
    assert message(validate_single_line, "a\tb") == "Keep this on one line: it has a tab at character 2."


def test_single_line_refuses_nul():
    assert message(validate_single_line, "Milna\x00cipran") == (
        "Remove the control character U+0000 (NUL) at character 6: text cannot hold it."
    )


def test_single_line_refuses_a_c1_control():
    assert message(validate_single_line, "a\x9bb") == (
        "Remove the control character U+009B at character 2: text cannot hold it."
    )


# -- multi-line text --------------------------------------------------------------------------------


def test_text_keeps_line_breaks_and_tabs():
    assert validate_text("First paragraph.\r\n\r\nSecond\tparagraph.\n") is None


def test_text_refuses_nul():
    assert message(validate_text, "a\n\x00") == (
        "Remove the control character U+0000 (NUL) at character 3: text cannot hold it."
    )


def test_text_refuses_escape():
    assert message(validate_text, "\x1b[31mred") == (
        "Remove the control character U+001B at character 1: text cannot hold it."
    )


# -- identifier formats: a trailing newline is not part of a match ----------------------------------


def test_cas_with_a_trailing_newline_is_refused():
    assert message(validate_cas_number, "96847-55-1\n") == (
        "Enter a CAS number as digits in three groups, like 96847-55-1."
    )


def test_inchikey_with_a_trailing_newline_is_refused():
    assert "An InChIKey is 27 characters" in message(validate_inchikey, "GJJFMKBJSRMPLA-HIFRSBDPSA-N\n")


def test_formula_with_a_trailing_newline_is_refused():
    assert message(validate_molecular_formula, "C15H22N2O\n") == (
        "Enter a molecular formula of element symbols and counts, like C15H22N2O."
    )


# -- applied at the model field level ---------------------------------------------------------------

SINGLE_LINE_FIELDS = {
    Compound: [
        "name",
        "catalog_number",
        "cas_number",
        "molecular_formula",
        "iupac_name",
        "inchi",
        "inchikey",
        "isomeric_smiles",
        "smiles",
        "canonical_smiles",
        "melting_point_note",
        "disagreement_reason",
    ],
    Synonym: ["name"],
    Description: ["source"],
    PharmacokineticParameter: ["label"],
    TrialTable: ["heading", "subheading", "caption"],
    TrialRow: ["study"],
    Section: ["title"],
    Reference: ["url"],
}


@pytest.mark.parametrize(
    ("model", "field"), [(model, field) for model, fields in SINGLE_LINE_FIELDS.items() for field in fields]
)
def test_single_line_fields_carry_the_validator(model, field):
    assert validate_single_line in model._meta.get_field(field).validators


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Compound, "research_use_notice"),
        (Compound, "mechanism_of_action"),
        (Compound, "pharmacokinetics_intro"),
        (Compound, "pharmacokinetics_summary"),
        (TrialTable, "intro"),
        (TrialTable, "responder_definition"),
        (TrialTable, "notes"),
        (Description, "text"),
        (PharmacokineticParameter, "value"),
        (Section, "body"),
        (Reference, "citation"),
    ],
)
def test_multi_line_fields_carry_the_text_validator(model, field):
    assert validate_text in model._meta.get_field(field).validators


@pytest.mark.django_db
def test_full_clean_reports_a_nul_in_a_name():
    compound = Compound(
        name="Milna\x00cipran",
        slug="milnacipran",
        catalog_number="VC0006221",
        molecular_formula="C15H22N2O",
        molecular_weight=246,
    )
    with pytest.raises(ValidationError) as caught:
        compound.full_clean()
    assert caught.value.message_dict == {
        "name": ["Remove the control character U+0000 (NUL) at character 6: text cannot hold it."]
    }


@pytest.mark.django_db
def test_full_clean_refuses_a_newline_in_a_slug():
    compound = Compound(
        name="Milnacipran", slug="milna\ncipran", catalog_number="VC1", molecular_formula="C", molecular_weight=12
    )
    with pytest.raises(ValidationError) as caught:
        compound.full_clean()
    assert list(caught.value.message_dict) == ["slug"]
