"""Catalog staff edit compounds in the admin: create, edit, validation messages, history and revert."""

from decimal import Decimal

import pytest

from catalog.models import Compound
from tests.factories import make_compound
from tests.html_forms import form_data, form_errors


@pytest.fixture
def compound(db):
    return make_compound(name="Milnacipran", slug="milnacipran", catalog_number="VC0006221", cas_number="96847-55-1")


def change_url(compound: Compound) -> str:
    return f"/admin/catalog/compound/{compound.pk}/change/"


def test_admin_requires_login(client, compound):
    response = client.get(change_url(compound))
    assert (response.status_code, response["Location"].startswith("/admin/login/")) == (302, True)


def test_staff_creates_a_compound(staff_client):
    data = form_data(staff_client.get("/admin/catalog/compound/add/"))
    data.update(
        name="Duloxetine",
        slug="duloxetine",
        catalog_number="CC0000002",
        cas_number="116539-59-4",
        molecular_formula="C18H19NOS",
        molecular_weight="297.42",
    )
    response = staff_client.post("/admin/catalog/compound/add/", data)
    assert (response.status_code, Compound.objects.get(slug="duloxetine").molecular_weight) == (
        302,
        Decimal("297.42"),
    )


def test_staff_adds_a_synonym_through_the_inline(staff_client, compound):
    data = form_data(staff_client.get(change_url(compound)))
    data.update({"synonyms-TOTAL_FORMS": "1", "synonyms-0-name": "F 2207", "synonyms-0-position": "0"})
    staff_client.post(change_url(compound), data)
    assert list(compound.synonyms.values_list("name", flat=True)) == ["F 2207"]


def test_an_edit_shows_on_the_page_at_the_next_request(staff_client, compound):
    staff_client.get(compound.get_absolute_url())
    data = form_data(staff_client.get(change_url(compound)))
    data["iupac_name"] = "edited IUPAC name"
    staff_client.post(change_url(compound), data)
    assert "edited IUPAC name" in staff_client.get(compound.get_absolute_url()).text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cas_number", "96847-55-2", "CAS number 96847-55-2 fails its check digit: the last digit should be 1."),
        ("cas_number", "9684755-1", "Enter a CAS number as digits in three groups, like 96847-55-1."),
        ("inchikey", "GJJFMKBJSRMPLA", "An InChIKey is 27 characters"),
        ("molecular_weight", "0", "Must be greater than zero."),
        ("molecular_weight", "-246.35", "Must be greater than zero."),
        ("molecular_formula", "c15 h22", "Enter a molecular formula of element symbols and counts, like C15H22N2O."),
        ("name", "", "This field is required."),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(staff_client, compound, field, value, message):
    data = form_data(staff_client.get(change_url(compound)))
    data[field] = value
    response = staff_client.post(change_url(compound), data)
    assert (response.status_code, any(e.startswith(message) for e in form_errors(response))) == (200, True)


def test_refused_edit_saves_nothing(staff_client, compound):
    data = form_data(staff_client.get(change_url(compound)))
    data.update(name="Renamed", cas_number="96847-55-2")
    staff_client.post(change_url(compound), data)
    compound.refresh_from_db()
    assert compound.name == "Milnacipran"


def test_duplicate_catalog_number_is_refused(staff_client, compound):
    other = make_compound(name="Other")
    data = form_data(staff_client.get(change_url(other)))
    data["catalog_number"] = "VC0006221"
    response = staff_client.post(change_url(other), data)
    assert form_errors(response) == ["Compound with this Catalog number already exists."]


def test_duplicate_slug_is_refused(staff_client, compound):
    other = make_compound(name="Other")
    data = form_data(staff_client.get(change_url(other)))
    data["slug"] = "milnacipran"
    response = staff_client.post(change_url(other), data)
    assert form_errors(response) == ["Compound with this Slug already exists."]


def test_invalid_trial_row_is_refused(staff_client, compound):
    table = compound.trial_tables.create(heading="Trials", caption="Table 1")
    url = f"/admin/catalog/trialtable/{table.pk}/change/"
    data = form_data(staff_client.get(url))
    data.update(
        {
            "rows-TOTAL_FORMS": "1",
            "rows-0-study": "Phase II",
            "rows-0-dose_mg_per_day": "100",
            "rows-0-responders_percent": "137",
            "rows-0-placebo_percent": "5",
            "rows-0-p_value_relation": "<",
            "rows-0-p_value": "0.001",
            "rows-0-position": "0",
        }
    )
    response = staff_client.post(url, data)
    assert (response.status_code, table.rows.count(), form_errors(response)) == (
        200,
        0,
        ["Composite responders must be a percentage from 0 to 100."],
    )


def test_each_edit_is_kept_in_history(staff_client, compound):
    data = form_data(staff_client.get(change_url(compound)))
    data["name"] = "Milnacipran (edited)"
    staff_client.post(change_url(compound), data)
    names = list(compound.history.order_by("history_date").values_list("name", "history_user__username"))
    assert names == [("Milnacipran", None), ("Milnacipran (edited)", "staff")]


def test_history_page_lists_the_changes(staff_client, compound):
    response = staff_client.get(f"/admin/catalog/compound/{compound.pk}/history/")
    assert (response.status_code, "Milnacipran" in response.text) == (200, True)


def test_staff_reverts_to_an_earlier_version(staff_client, compound):
    original = compound.history.earliest()
    data = form_data(staff_client.get(change_url(compound)))
    data["name"] = "Wrong name"
    staff_client.post(change_url(compound), data)
    revert_url = f"/admin/catalog/compound/{compound.pk}/history/{original.history_id}/"
    staff_client.post(revert_url, form_data(staff_client.get(revert_url)))
    compound.refresh_from_db()
    assert compound.name == "Milnacipran"


def test_changelist_search_finds_by_cas(staff_client, compound):
    make_compound(name="Other")
    response = staff_client.get("/admin/catalog/compound/", {"q": "96847-55-1"})
    assert "1 result" in response.text


def test_second_of_two_concurrent_edits_is_refused_with_a_clear_message(staff_client, compound, django_user_model):
    other = django_user_model.objects.create_superuser("colleague", "c@example.com", "another-long-password")
    colleague = type(staff_client)()
    colleague.force_login(other)
    mine = form_data(staff_client.get(change_url(compound)))
    theirs = form_data(colleague.get(change_url(compound)))
    theirs["iupac_name"] = "their IUPAC name"
    colleague.post(change_url(compound), theirs)
    mine["name"] = "My new name"
    response = staff_client.post(change_url(compound), mine)
    compound.refresh_from_db()
    assert (response.status_code, compound.name, compound.iupac_name) == (200, "Milnacipran", "their IUPAC name")
    assert form_errors(response)[0].startswith("This compound was changed by colleague at ")


def test_an_edit_of_a_child_row_also_counts_as_a_change_since(staff_client, compound):
    mine = form_data(staff_client.get(change_url(compound)))
    compound.synonyms.create(name="Added meanwhile")
    mine["name"] = "My new name"
    response = staff_client.post(change_url(compound), mine)
    assert (response.status_code, Compound.objects.get(pk=compound.pk).name) == (200, "Milnacipran")


def test_saving_twice_in_a_row_from_fresh_forms_works(staff_client, compound):
    for name in ("First", "Second"):
        data = form_data(staff_client.get(change_url(compound)))
        data["name"] = name
        staff_client.post(change_url(compound), data)
    assert Compound.objects.get(pk=compound.pk).name == "Second"


def test_molecular_weight_is_shown_as_entered_not_padded(staff_client, compound):
    assert form_data(staff_client.get(change_url(compound)))["molecular_weight"] == "246.35"
