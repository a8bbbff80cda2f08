"""A number and its unit stay on one line in the calculator's sentences."""

from calculator.templatetags.calculator_text import keep_units
from tests.factories import make_compound


def test_each_number_and_its_unit_are_kept_together():
    assert keep_units("Weigh 2.464 mg and bring to 1 mL.") == (
        'Weigh <span class="calc-nowrap">2.464 mg</span> and bring to <span class="calc-nowrap">1 mL</span>.'
    )


def test_units_with_a_slash_or_a_micro_sign_are_kept_whole():
    assert keep_units("246.35 g/mol = 2.464 µg") == (
        '<span class="calc-nowrap">246.35 g/mol</span> = <span class="calc-nowrap">2.464 µg</span>'
    )


def test_the_text_is_escaped():
    assert keep_units("<b>1 mL</b>") == '&lt;b&gt;<span class="calc-nowrap">1 mL</span>&lt;/b&gt;'


def test_the_page_ties_the_answers_numbers_to_their_units(client, db):
    make_compound(slug="base")
    query = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL"
    html = client.get(f"/compounds/base/?{query}").content.decode()
    assert 'Weigh <span class="calc-nowrap">2.464 mg</span> and bring' in html
