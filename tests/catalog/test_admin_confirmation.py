"""Admin: entered vs computed side by side, and saving a disagreement needs a confirmation with a reason."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.models import Compound
from tests.factories import make_compound
from tests.html_forms import form_data

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"


@pytest.fixture
def compound(db):
    return make_compound(
        name="Milnacipran", slug="milnacipran", isomeric_smiles=MILNACIPRAN, inchikey="GJJFMKBJSRMPLA-HIFRSBDPSA-N"
    )


def change_url(compound: Compound) -> str:
    return f"/admin/catalog/compound/{compound.pk}/change/"


def submit(staff_client, compound, **changes):
    data = form_data(staff_client.get(change_url(compound)))
    data.update(changes)
    return staff_client.post(change_url(compound), data)


def test_change_page_shows_entered_and_computed_side_by_side(staff_client, compound):
    soup = BeautifulSoup(staff_client.get(change_url(compound)).content, "html.parser")
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in soup.select("table.structure-checks tbody tr")
    }
    assert rows["Molecular weight"][:2] == ["246.35 g/mol", "246.354 g/mol (RDKit atomic weights)"]
    assert rows["Standard InChIKey"][2].startswith("✓ agrees")


def test_change_page_marks_a_disagreement(staff_client, compound):
    Compound.objects.filter(pk=compound.pk).update(molecular_weight=Decimal("264.35"))
    soup = BeautifulSoup(staff_client.get(change_url(compound)).content, "html.parser")
    row = soup.select_one("table.structure-checks tr.check-disagree")
    assert row.th.get_text(strip=True) == "Molecular weight"
    assert "✗ DISAGREES" in row.get_text()


def test_change_page_shows_the_drawing(staff_client, compound):
    soup = BeautifulSoup(staff_client.get(change_url(compound)).content, "html.parser")
    assert soup.select_one("svg[role=img] title").get_text() == "Structure of Milnacipran"


def test_agreeing_values_save_without_confirmation(staff_client, compound):
    response = submit(staff_client, compound, cas_number="96847-55-1")
    assert response.status_code == 302


def test_disagreeing_value_is_refused_without_confirmation(staff_client, compound):
    response = submit(staff_client, compound, molecular_weight="264.35")
    assert response.status_code == 200
    assert "disagree with the structure" in response.content.decode()
    compound.refresh_from_db()
    assert compound.molecular_weight == Decimal("246.35")


def test_confirmation_without_reason_is_refused(staff_client, compound):
    response = submit(staff_client, compound, molecular_weight="264.35", confirm_disagreements="on")
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    compound.refresh_from_db()
    assert compound.molecular_weight == Decimal("246.35")


def test_confirmation_with_reason_saves_and_keeps_the_reason(staff_client, compound):
    reason = "Vendor's certificate gives 264.35 for this batch; under review."
    response = submit(
        staff_client, compound, molecular_weight="264.35", confirm_disagreements="on", disagreement_reason=reason
    )
    assert response.status_code == 302
    compound.refresh_from_db()
    assert compound.molecular_weight == Decimal("264.35")
    assert compound.disagreement_reason == reason
    assert compound.confirmed_disagreements.startswith("molecular_weight:")


def test_the_reason_is_in_the_history(staff_client, compound):
    reason = "Vendor's certificate gives 264.35."
    submit(staff_client, compound, molecular_weight="264.35", confirm_disagreements="on", disagreement_reason=reason)
    latest = compound.history.latest()
    assert latest.disagreement_reason == reason
    assert latest.history_change_reason == f"Accepted disagreements with the structure: {reason}"


def test_a_long_reason_is_kept_whole_on_the_compound_and_shortened_in_the_change_reason(staff_client, compound):
    reason = "The vendor's certificate of analysis for this batch gives 264.35 g/mol; " * 3
    submit(staff_client, compound, molecular_weight="264.35", confirm_disagreements="on", disagreement_reason=reason)
    latest = compound.history.latest()
    assert latest.disagreement_reason == reason.strip()
    assert len(latest.history_change_reason) == 100


def test_an_accepted_disagreement_does_not_need_confirming_again(staff_client, compound):
    submit(staff_client, compound, molecular_weight="264.35", confirm_disagreements="on", disagreement_reason="why")
    response = submit(staff_client, compound, cas_number="96847-55-1")
    assert response.status_code == 302


def test_a_new_disagreement_needs_a_new_confirmation(staff_client, compound):
    submit(staff_client, compound, molecular_weight="264.35", confirm_disagreements="on", disagreement_reason="why")
    response = submit(staff_client, compound, molecular_formula="C15H20N2O")
    assert response.status_code == 200
    compound.refresh_from_db()
    assert compound.molecular_formula == "C15H22N2O"


def test_the_page_says_an_accepted_disagreement_was_reviewed_and_keeps_the_reason_for_staff(
    staff_client, client, compound
):
    submit(staff_client, compound, molecular_weight="264.35", confirm_disagreements="on", disagreement_reason="why")
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    row = soup.select_one(".identifier-checks li.check-disagree")
    assert row.get_text(" ", strip=True).endswith("Reviewed by catalog staff.")
    assert "why" not in row.get_text()


def test_the_admin_shows_the_reason_beside_the_accepted_disagreement(staff_client, compound):
    submit(staff_client, compound, molecular_weight="264.35", confirm_disagreements="on", disagreement_reason="why")
    soup = BeautifulSoup(staff_client.get(f"/admin/catalog/compound/{compound.pk}/change/").content, "html.parser")
    row = soup.select_one("table.structure-checks tr.check-disagree")
    assert row.get_text().endswith("Accepted: why")


def test_melting_point_can_be_marked_as_another_forms(staff_client, compound):
    salt = make_compound(
        name="Milnacipran Hydrochloride",
        isomeric_smiles="Cl." + MILNACIPRAN,
        molecular_formula="C15H23ClN2O",
        molecular_weight=Decimal("282.815"),
    )
    response = submit(staff_client, compound, melting_point_celsius="179", melting_point_form=str(salt.pk))
    assert response.status_code == 302
    compound.refresh_from_db()
    assert (compound.melting_point_celsius, compound.melting_point_form) == (Decimal("179"), salt)
