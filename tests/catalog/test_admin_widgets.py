"""The compound change page shows numbers as entered and gives each field a box sized to what it holds."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.models import Compound
from tests.factories import make_compound
from tests.html_forms import form_data


@pytest.fixture
def compound(db) -> Compound:
    compound = make_compound(molecular_weight=Decimal("246.3500"), melting_point_celsius=Decimal("179"))
    table = compound.trial_tables.create(heading="Trials", caption="Table 1")
    table.rows.create(
        study="Phase III",
        dose_mg_per_day=Decimal("100.000"),
        responders_percent=Decimal("37.00"),
        placebo_percent=Decimal("24.50"),
        p_value=Decimal("0.010000"),
    )
    return compound


def change_url(compound: Compound) -> str:
    return f"/admin/catalog/compound/{compound.pk}/change/"


def page(client, compound: Compound) -> BeautifulSoup:
    return BeautifulSoup(client.get(change_url(compound)).content, "html.parser")


def test_numbers_are_shown_as_entered_without_padding(staff_client, compound):
    data = form_data(staff_client.get(change_url(compound)))
    shown = [
        data[name]
        for name in (
            "molecular_weight",
            "melting_point_celsius",
            "trial_tables-0-rows-0-dose_mg_per_day",
            "trial_tables-0-rows-0-responders_percent",
            "trial_tables-0-rows-0-placebo_percent",
            "trial_tables-0-rows-0-p_value",
        )
    ]
    assert shown == ["246.35", "179", "100", "37", "24.5", "0.01"]


def test_the_trial_table_page_shows_its_numbers_without_padding_too(staff_client, compound):
    table = compound.trial_tables.get()
    data = form_data(staff_client.get(f"/admin/catalog/trialtable/{table.pk}/change/"))
    assert (data["rows-0-dose_mg_per_day"], data["rows-0-p_value"]) == ("100", "0.01")


def test_the_compound_list_shows_the_mw_without_padding(staff_client, compound):
    soup = BeautifulSoup(staff_client.get("/admin/catalog/compound/").content, "html.parser")
    assert soup.select_one("td.field-mw").get_text() == "246.35"


def box(soup: BeautifulSoup, name: str) -> tuple:
    """What kind of box a field gets: tag, rows and class."""
    field = soup.find(attrs={"name": name})
    return field.name, field.get("rows"), field.get("class")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("isomeric_smiles", ("textarea", "2", ["long-line", "identifier"])),
        ("smiles", ("textarea", "2", ["long-line", "identifier"])),
        ("canonical_smiles", ("textarea", "2", ["long-line", "identifier"])),
        ("inchi", ("textarea", "2", ["long-line", "identifier"])),
        ("iupac_name", ("textarea", "2", ["long-line", "identifier"])),
        ("inchikey", ("input", None, ["vTextField", "identifier"])),
        ("melting_point_note", ("textarea", "2", ["long-line"])),
        ("mechanism_of_action", ("textarea", "6", ["long-text"])),
        ("pharmacokinetics_summary", ("textarea", "6", ["long-text"])),
        ("trial_tables-0-notes", ("textarea", "6", ["long-text"])),
        ("trial_tables-0-responder_definition", ("textarea", "6", ["long-text"])),
        ("trial_tables-0-caption", ("textarea", "2", ["long-line"])),
        ("descriptions-__prefix__-text", ("textarea", "6", ["long-text"])),
        ("pk_parameters-__prefix__-value", ("textarea", "3", ["long-text"])),
        ("references-__prefix__-citation", ("textarea", "3", ["long-text"])),
    ],
)
def test_each_field_gets_a_box_sized_to_what_it_holds(staff_client, compound, name, expected):
    assert box(page(staff_client, compound), name) == expected


def test_identifiers_are_not_spell_checked_or_capitalised(staff_client, compound):
    field = page(staff_client, compound).find(attrs={"name": "isomeric_smiles"})
    assert (field["spellcheck"], field["autocapitalize"], field["autocomplete"]) == ("false", "off", "off")


def test_the_synthetic_flag_is_not_on_a_real_compounds_page(staff_client, compound):
    soup = page(staff_client, compound)
    assert (soup.find(attrs={"name": "is_synthetic"}), soup.select(".field-synthetic_notice")) == (None, [])


def test_a_synthetic_compound_says_so_without_a_checkbox(staff_client, db):
    synthetic = make_compound(name="SYN-000001", is_synthetic=True)
    soup = page(staff_client, synthetic)
    notice = soup.select_one(".field-synthetic_notice .readonly").get_text(strip=True)
    assert (notice, soup.find(attrs={"name": "is_synthetic"})) == (
        "Generated for load testing (manage.py generate_catalog); not a real compound.",
        None,
    )


def test_a_posted_synthetic_flag_is_ignored(staff_client, compound):
    data = form_data(staff_client.get(change_url(compound)))
    staff_client.post(change_url(compound), {**data, "is_synthetic": "on"})
    assert Compound.objects.get(pk=compound.pk).is_synthetic is False
