import copy
from decimal import Decimal

import pytest
from django import forms

from calculator.forms import (
    ApiMolarityForm,
    DilutionForm,
    StandaloneMolarityForm,
    UnitField,
    VialForm,
    WidgetForm,
    parse_number,
)
from calculator.units import Kind

VALID = {
    "solve": "mass",
    "concentration": "10",
    "concentration_unit": "mM",
    "volume": "1",
    "volume_unit": "mL",
    "mw": "246.35",
}


def errors_for(data: dict, form_class=ApiMolarityForm) -> dict:
    form = form_class(data)
    assert not form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    ("text", "value"), [("2.5", "2.5"), ("1e-3", "0.001"), ("1E3", "1000"), (".5", "0.5"), (" 7 ", "7"), ("+3", "3")]
)
def test_numbers_accept_decimals_and_e_notation(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2,5", "Use a decimal point, not a comma"),
        ("1,000", "Use a decimal point, not a comma"),
        ("-1", "greater than zero"),
        ("−1", "greater than zero"),
        ("0", "greater than zero"),
        ("0.000", "greater than zero"),
        ("nan", "finite"),
        ("NaN", "finite"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("abc", "Enter a number"),
        ("10 mg", "Enter only the number"),
        ("10mM", "Enter only the number"),
        ("١٢", "Enter a number"),  # Arabic-Indic digits, which Decimal() would accept
        ("1e999999999", "absurdly large"),
        ("1e-99", "absurdly small"),
        ("1" * 41, "too long"),
    ],
)
def test_bad_numbers_say_why(text, message):
    with pytest.raises(forms.ValidationError, match=message):
        parse_number(text)


def test_a_valid_form_has_an_answer():
    form = ApiMolarityForm(VALID)
    assert form.is_valid()
    assert form.answer.display == "2.464 mg"


def test_a_quantity_without_a_unit_gets_no_default():
    assert errors_for(VALID | {"volume_unit": ""}) == {"volume_unit": ["Choose the unit of the final volume."]}


def test_an_empty_quantity_is_asked_for_on_its_field():
    assert errors_for(VALID | {"concentration": ""}) == {"concentration": ["Enter the concentration."]}


def test_a_missing_mw_is_an_error_on_the_mw():
    assert errors_for(VALID | {"mw": ""}) == {"mw": ["Enter the molecular weight in g/mol."]}


def test_an_absurd_mw_is_refused():
    assert errors_for(VALID | {"mw": "1e7"}) == {"mw": ["Enter a molecular weight from 1 to 1,000,000 g/mol."]}


def test_a_mismatched_unit_is_an_error_on_the_unit():
    assert errors_for(VALID | {"volume_unit": "mg"}) == {
        "volume_unit": ["“mg” is a mass unit; use a volume unit (nL, µL, mL, L)."]
    }


def test_an_absurd_magnitude_is_refused_with_the_range():
    assert errors_for(VALID | {"volume": "1001", "volume_unit": "L"}) == {
        "volume": ["Enter a final volume from 1 nL to 1,000 L."]
    }


def test_a_thousand_litres_is_accepted():
    assert ApiMolarityForm(VALID | {"volume": "1000", "volume_unit": "L"}).is_valid()


def test_more_than_a_hundred_kilograms_is_refused_with_the_range():
    data = VALID | {"solve": "volume", "mass": "100.001", "mass_unit": "kg"}
    assert errors_for(data) == {"mass": ["Enter a mass from 1 pg to 100 kg."]}


def test_a_hundred_kilograms_is_accepted():
    assert ApiMolarityForm(VALID | {"solve": "volume", "mass": "100", "mass_unit": "kg"}).is_valid()


def test_a_missing_solve_says_what_to_choose():
    assert errors_for(VALID | {"solve": ""}) == {"solve": ["Choose what to calculate: mass, volume or concentration."]}


def test_purity_defaults_to_100_percent_and_above_100_is_refused():
    assert ApiMolarityForm(VALID).is_valid()
    assert errors_for(VALID | {"purity": "101"}) == {"purity": ["Purity is a percentage: at most 100."]}


def test_the_solved_quantitys_own_number_is_ignored():
    form = ApiMolarityForm(VALID | {"mass": "garbage"})
    assert form.is_valid()


def test_aliases_are_accepted_on_the_api():
    form = ApiMolarityForm(VALID | {"solve": "volume", "mass": "500", "mass_unit": "mcg"})
    assert form.is_valid()
    assert form.answer.display == "203.0 µL"  # 0.5 mg ÷ (10 mM × 246.35 g/mol) = 0.20296 mL


def test_standalone_form_computes_the_mw_from_a_formula():
    form = StandaloneMolarityForm(VALID | {"mw": "", "formula": "C15H22N2O"})
    assert form.is_valid()
    assert (form.answer.mw_used, form.answer.display) == (Decimal("246.354"), "2.464 mg")
    assert form.answer.mw_label == "from C15H22N2O with RDKit's standard atomic weights"


def test_standalone_form_reports_a_bad_formula_on_the_formula_field():
    errors = errors_for(VALID | {"mw": "", "formula": "Xq"}, StandaloneMolarityForm)
    assert list(errors) == ["formula"]


def test_standalone_form_needs_an_mw_or_a_formula():
    assert errors_for(VALID | {"mw": ""}, StandaloneMolarityForm) == {
        "mw": ["Enter a molecular weight, or a molecular formula to compute it from."]
    }


VIALS = [
    VialForm("milnacipran", "Milnacipran, free base", Decimal("246.35")),
    VialForm("milnacipran-hydrochloride", "Milnacipran Hydrochloride", Decimal("282.81")),
]


def test_widget_uses_the_salt_chosen_in_the_vial():
    form = WidgetForm(VALID | {"vial": "milnacipran-hydrochloride"}, vial_forms=VIALS)
    assert form.is_valid()
    # 10 mM × 1 mL × 282.81 g/mol = 2.8281 mg
    assert (form.answer.display, form.answer.mw_label) == ("2.828 mg", "Milnacipran Hydrochloride")


def test_widget_batch_mw_wins_and_says_so():
    form = WidgetForm(VALID | {"batch_mw": "250"}, vial_forms=VIALS)
    assert form.is_valid()
    assert (form.answer.display, form.answer.mw_label) == ("2.500 mg", "batch-specific MW, as entered")


def test_widget_refuses_a_form_not_on_the_list():
    form = WidgetForm(VALID | {"vial": "aspirin"}, vial_forms=VIALS)
    assert form.errors == {"vial": ["Choose one of the listed forms."]}


DILUTION = {"solve": "v1", "c1": "10", "c1_unit": "mM", "c2": "10", "c2_unit": "µM", "v2": "1", "v2_unit": "mL"}


def test_dilution_form_answers():
    form = DilutionForm(DILUTION)
    assert form.is_valid()
    assert form.answer.display == "1.000 µL"


def test_dilution_form_asks_for_the_mw_when_kinds_differ():
    form = DilutionForm(DILUTION | {"c1_unit": "mg/mL"})
    assert form.errors == {"mw": ["One concentration is molar and the other mass per volume: enter the MW to convert."]}


def test_dilution_form_puts_an_impossible_dilution_on_the_target():
    form = DilutionForm(DILUTION | {"c2": "20", "c2_unit": "mM"})
    assert form.errors == {"c2": ["The final concentration is above the stock concentration; dilution cannot do that."]}


@pytest.mark.parametrize("name", ["solve", "purity", "mw", "mass", "concentration_unit"])
def test_a_change_to_one_forms_field_leaves_another_forms_field_alone(name):
    # One request's form may adjust its fields (a label, a widget attribute); no other request may see it.
    first, second = ApiMolarityForm(VALID), ApiMolarityForm(VALID)
    first.fields[name].label = "changed"
    first.fields[name].widget.attrs["data-changed"] = "yes"
    assert (second.fields[name].label, second.fields[name].widget.attrs) == (None, {})


def test_a_fields_copy_is_a_new_field_built_as_it_was():
    field = UnitField(kinds=(Kind.MASS,), label="Mass unit")
    copied = copy.deepcopy(field)
    assert (copied is field, copied.kinds, copied.label, copied.widget is field.widget) == (
        False,
        (Kind.MASS,),
        "Mass unit",
        False,
    )


def test_a_change_to_one_forms_field_leaves_a_new_form_alone():
    DilutionForm(DILUTION).fields["c1_unit"].error_messages["required"] = "changed"
    assert DilutionForm(DILUTION).fields["c1_unit"].error_messages["required"] == "This field is required."


def test_a_shared_field_keeps_no_state_from_an_earlier_form():
    errors_for(VALID | {"volume": "2,5", "volume_unit": "mm"})
    form = ApiMolarityForm(VALID)
    assert (form.is_valid(), form.answer.display) == (True, "2.464 mg")


def test_each_form_class_keeps_its_own_quantity_fields():
    assert set(DilutionForm().fields) - set(ApiMolarityForm().fields) == {
        "c1", "c1_unit", "v1", "v1_unit", "c2", "c2_unit", "v2", "v2_unit",
    }  # fmt: skip
