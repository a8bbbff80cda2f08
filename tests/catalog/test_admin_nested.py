"""Trial rows are edited inside their table on the compound's own change page, saved with it or not at all."""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.models import Compound, TrialRow, TrialTable
from tests.html_forms import form_data, form_errors

ROW = "trial_tables-0-rows-0-"
CONFLICT = (
    r"This compound was changed by colleague at \d{4}-\d\d-\d\d \d\d:\d\d UTC while you were editing it, so your "
    r"changes have not been saved \(saving them would undo that change\)\. Open the page again to see the current "
    r"values, then make your changes again\."
)


@pytest.fixture
def compound(table) -> Compound:
    """Milnacipran, with its trial table of one row (tests/catalog/conftest.py)."""
    return Compound.objects.get(pk=table.compound_id)  # as saved: the rows moved its revision


def change_url(compound: Compound) -> str:
    return f"/admin/catalog/compound/{compound.pk}/change/"


def save(client, compound: Compound, changes: dict):
    """Open the compound's page, change what is given, save it."""
    return client.post(change_url(compound), {**form_data(client.get(change_url(compound))), **changes})


def rows(compound: Compound) -> list[tuple]:
    return list(
        TrialRow.objects.filter(table__compound=compound)
        .order_by("position", "pk")
        .values_list("study", "responders_percent", "p_value")
    )


def new_row(prefix: str, study: str, p_value: str = "0.01", position: str = "1") -> dict:
    return {
        f"{prefix}study": study,
        f"{prefix}dose_mg_per_day": "100",
        f"{prefix}responders_percent": "30",
        f"{prefix}placebo_percent": "20",
        f"{prefix}p_value_relation": "=",
        f"{prefix}p_value": p_value,
        f"{prefix}position": position,
    }


def test_the_compound_page_shows_its_trial_rows_as_fields(staff_client, compound):
    data = form_data(staff_client.get(change_url(compound)))
    assert (data[f"{ROW}study"], data[f"{ROW}p_value"]) == ("Phase III", "0.001")


def test_the_trial_table_has_no_change_link_to_another_page(staff_client, compound):
    soup = BeautifulSoup(staff_client.get(change_url(compound)).content, "html.parser")
    assert soup.select("a.inlinechangelink") == []


def test_a_trial_row_is_edited_on_the_compound_page(staff_client, compound):
    response = save(staff_client, compound, {f"{ROW}responders_percent": "40.5"})
    assert (response.status_code, rows(compound)) == (302, [("Phase III", Decimal("40.5"), Decimal("0.001"))])


def test_a_trial_row_and_the_compound_are_saved_together(staff_client, compound):
    save(staff_client, compound, {"name": "Milnacipran (edited)", f"{ROW}study": "Phase III, edited"})
    assert (Compound.objects.get(pk=compound.pk).name, rows(compound)[0][0]) == (
        "Milnacipran (edited)",
        "Phase III, edited",
    )


def test_a_trial_row_is_added_to_a_table_on_the_compound_page(staff_client, compound):
    changes = {"trial_tables-0-rows-TOTAL_FORMS": "2", **new_row("trial_tables-0-rows-1-", "Phase II")}
    save(staff_client, compound, changes)
    assert [study for study, _, _ in rows(compound)] == ["Phase III", "Phase II"]


def test_a_new_table_is_added_with_its_rows_in_one_save(staff_client, compound):
    changes = {
        "trial_tables-TOTAL_FORMS": "2",
        "trial_tables-1-heading": "More trials",
        "trial_tables-1-caption": "Table 2",
        "trial_tables-1-position": "1",
        "trial_tables-1-rows-TOTAL_FORMS": "1",
        "trial_tables-1-rows-INITIAL_FORMS": "0",
        **new_row("trial_tables-1-rows-0-", "Open-label extension", position="0"),
    }
    response = save(staff_client, compound, changes)
    added = TrialTable.objects.get(compound=compound, caption="Table 2")
    assert (response.status_code, list(added.rows.values_list("study", flat=True))) == (302, ["Open-label extension"])


def test_a_trial_row_is_deleted_on_the_compound_page(staff_client, compound):
    save(staff_client, compound, {f"{ROW}DELETE": "on"})
    assert rows(compound) == []


def test_rows_are_reordered_by_their_positions(staff_client, compound):
    changes = {
        "trial_tables-0-rows-TOTAL_FORMS": "2",
        **new_row("trial_tables-0-rows-1-", "Phase II", position="0"),
        f"{ROW}position": "1",
    }
    save(staff_client, compound, changes)
    assert [study for study, _, _ in rows(compound)] == ["Phase II", "Phase III"]


@pytest.fixture
def refused_for_a_bad_p_value(staff_client, compound):
    """A save that changes the compound, its table and a row, and adds a row whose p-value is 1.5."""
    changes = {
        "name": "Renamed",
        "trial_tables-0-caption": "New caption",
        f"{ROW}study": "Edited study",
        "trial_tables-0-rows-TOTAL_FORMS": "2",
        **new_row("trial_tables-0-rows-1-", "Phase II", p_value="1.5"),
    }
    return save(staff_client, compound, changes)


def test_an_invalid_p_value_in_a_nested_row_shows_the_page_again_with_the_error(refused_for_a_bad_p_value):
    response = refused_for_a_bad_p_value
    assert (response.status_code, form_errors(response)) == (200, ["A p-value lies between 0 and 1."])


def test_an_invalid_p_value_in_a_nested_row_saves_nothing(refused_for_a_bad_p_value, compound):
    now = Compound.objects.get(pk=compound.pk)
    saved = (now.name, now.revision, TrialTable.objects.get(compound=compound).caption, rows(compound))
    assert saved == (
        "Milnacipran",
        compound.revision,
        "Original caption",
        [("Phase III", Decimal("35.00"), Decimal("0.001"))],
    )


def test_the_refused_page_keeps_what_was_typed(refused_for_a_bad_p_value):
    data = form_data(refused_for_a_bad_p_value)
    assert (data["name"], data[f"{ROW}study"], data["trial_tables-0-rows-1-p_value"]) == (
        "Renamed",
        "Edited study",
        "1.5",
    )


def test_a_p_value_that_is_not_a_number_is_refused_on_its_field(staff_client, compound):
    response = save(staff_client, compound, {f"{ROW}p_value": "0,01"})
    assert (response.status_code, form_errors(response), rows(compound)[0][2]) == (
        200,
        ["Enter a number."],
        Decimal("0.001"),
    )


def test_a_stale_page_is_refused_when_a_colleague_changed_a_row_on_theirs(staff_client, colleague, compound):
    mine = form_data(staff_client.get(change_url(compound)))
    save(colleague, compound, {f"{ROW}responders_percent": "40"})
    response = staff_client.post(change_url(compound), {**mine, "name": "My new name"})
    assert (response.status_code, bool(re.fullmatch(CONFLICT, form_errors(response)[0]))) == (200, True)


def test_a_stale_page_changing_only_a_row_is_refused_and_the_colleagues_edit_survives(
    staff_client, colleague, compound
):
    mine = form_data(staff_client.get(change_url(compound)))
    save(colleague, compound, {"name": "Their name"})
    response = staff_client.post(change_url(compound), {**mine, f"{ROW}responders_percent": "50"})
    assert (response.status_code, Compound.objects.get(pk=compound.pk).name, rows(compound)[0][1]) == (
        200,
        "Their name",
        Decimal("35.00"),
    )


def test_a_row_added_on_a_stale_page_is_not_saved(staff_client, colleague, compound):
    mine = form_data(staff_client.get(change_url(compound)))
    save(colleague, compound, {f"{ROW}study": "Their study"})
    changes = {"trial_tables-0-rows-TOTAL_FORMS": "2", **new_row("trial_tables-0-rows-1-", "My new row")}
    staff_client.post(change_url(compound), {**mine, **changes})
    assert [study for study, _, _ in rows(compound)] == ["Their study"]


def test_the_page_has_no_inline_script_style_or_javascript_link_for_the_csp_to_refuse(staff_client, compound):
    soup = BeautifulSoup(staff_client.get(change_url(compound)).content, "html.parser")
    inline_scripts = [script for script in soup.find_all("script") if not script.get("src")]
    assert (inline_scripts, soup.select("style, [style]"), soup.select('a[href^="javascript:"]')) == ([], [], [])


def test_a_new_compound_is_added_with_a_table_and_its_rows_in_one_save(staff_client, db):
    data = form_data(staff_client.get("/admin/catalog/compound/add/"))
    data.update(
        {
            "name": "Duloxetine",
            "slug": "duloxetine",
            "catalog_number": "CC0000002",
            "molecular_formula": "C18H19NOS",
            "molecular_weight": "297.42",
            "trial_tables-TOTAL_FORMS": "1",
            "trial_tables-0-heading": "Trials",
            "trial_tables-0-caption": "Table 1",
            "trial_tables-0-position": "0",
            "trial_tables-0-rows-TOTAL_FORMS": "1",
            "trial_tables-0-rows-INITIAL_FORMS": "0",
            **new_row("trial_tables-0-rows-0-", "Phase III", position="0"),
        }
    )
    response = staff_client.post("/admin/catalog/compound/add/", data)
    assert (response.status_code, rows(Compound.objects.get(slug="duloxetine"))) == (
        302,
        [("Phase III", Decimal("30"), Decimal("0.01"))],
    )
