"""The identifier filters add markup only: the text a reader copies stays the stored string."""

import pytest
from bs4 import BeautifulSoup

from catalog.templatetags.catalog_identifiers import breakable, formula


def text_of(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text()


def test_a_formula_gets_subscripts():
    assert formula("C15H22N2O") == "C<sub>15</sub>H<sub>22</sub>N<sub>2</sub>O"


def test_a_salts_coefficient_stays_full_size_and_a_charge_is_a_superscript():
    assert formula("C15H22N2O.2HCl") == "C<sub>15</sub>H<sub>22</sub>N<sub>2</sub>O.2HCl"
    assert formula("C4H12N+") == "C<sub>4</sub>H<sub>12</sub>N<sup>+</sup>"


def test_an_inchi_breaks_after_its_layer_separators_and_commas():
    inchi = "InChI=1S/C15H22N2O/c1-3-17(4-2)14/h5-9,13H/t13-,15+/m1/s1"
    assert breakable(inchi) == (
        "InChI=1S/<wbr>C15H22N2O/<wbr>c1-3-17(4-2)<wbr>14/<wbr>h5-9,<wbr>13H/<wbr>t13-,<wbr>15+/<wbr>m1/<wbr>s1"
    )


@pytest.mark.parametrize(
    "value",
    ["CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2", "InChI=1S/C15H22N2O/c1/t13-,15+/m1/s1", "C15H22N2O.HCl", "A<b>&'"],
)
def test_the_text_is_unchanged(value):
    assert (text_of(breakable(value)), text_of(formula(value))) == (value, value)
