"""No lost edit anywhere in the admin: a save drawn from an older revision of the compound is refused.

Two editors (two signed-in clients) open the same page; the first saves, the second's save would
undo the first's edit, so it is refused with a message naming who changed what when.
"""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin

from catalog.admin import ReadOnlyAdmin, RevisionGuardedForm
from catalog.models import Compound, TrialRow, TrialTable
from tests.factories import make_compound
from tests.html_forms import form_data, form_errors

CONFLICT = (
    r"This table or its compound was changed by colleague at \d{4}-\d\d-\d\d \d\d:\d\d UTC while you were "
    r"editing it, so your changes have not been saved \(saving them would undo that change\)\. "
    r"Open the page again to see the current values, then make your changes again\."
)


def table_url(table: TrialTable) -> str:
    return f"/admin/catalog/trialtable/{table.pk}/change/"


def compound_url(compound: Compound) -> str:
    return f"/admin/catalog/compound/{compound.pk}/change/"


def row_values(table: TrialTable) -> list[tuple]:
    return list(TrialRow.objects.filter(table=table).values_list("study", "responders_percent"))


def interleaved(me, my_url: str, my_changes: dict, them, their_url: str, their_changes: dict) -> tuple:
    """I open my page, they open theirs, they save their changes, then I save mine: both responses."""
    mine = form_data(me.get(my_url))
    theirs = form_data(them.get(their_url))
    first = them.post(their_url, {**theirs, **their_changes})
    return first, me.post(my_url, {**mine, **my_changes})


@pytest.fixture
def two_edits(staff_client, colleague, table):
    """Both open the table; the colleague saves a new caption and row value, then staff save theirs."""
    url = table_url(table)
    mine = {"caption": "My caption", "rows-0-responders_percent": "50.00"}
    theirs = {"caption": "Their caption", "rows-0-responders_percent": "40.00"}
    return interleaved(staff_client, url, mine, colleague, url, theirs)


def test_the_first_of_two_trial_table_edits_is_saved(two_edits):
    first, _ = two_edits
    assert (first.status_code, first["Location"]) == (302, "/admin/catalog/trialtable/")


def test_the_second_of_two_trial_table_edits_is_refused_naming_who_changed_it(two_edits):
    _, second = two_edits
    assert (second.status_code, bool(re.fullmatch(CONFLICT, form_errors(second)[0]))) == (200, True)


def test_a_refused_trial_table_edit_saves_nothing_and_the_first_edit_survives(two_edits, table):
    table.refresh_from_db()
    assert (table.caption, row_values(table)) == ("Their caption", [("Phase III", Decimal("40.00"))])


def test_a_row_only_edit_made_meanwhile_also_refuses_the_save(staff_client, colleague, table):
    url = table_url(table)
    _, response = interleaved(staff_client, url, {"caption": "Mine"}, colleague, url, {"rows-0-study": "Theirs"})
    assert (response.status_code, TrialTable.objects.get(pk=table.pk).caption) == (200, "Original caption")


def test_the_message_names_who_changed_a_row_when_only_a_row_changed(staff_client, table, django_user_model):
    mine = form_data(staff_client.get(table_url(table)))
    row = table.rows.get()
    row.study = "Their study"
    row._history_user = django_user_model.objects.create_user("rowditor")  # simple-history's documented hook
    row.save()
    response = staff_client.post(table_url(table), mine)
    latest = row.history.first().history_date
    assert form_errors(response)[0].startswith(
        f"This table or its compound was changed by rowditor at {latest:%Y-%m-%d %H:%M} UTC while"
    )


def test_a_trial_table_edit_blocks_a_stale_compound_form(staff_client, colleague, table):
    compound = table.compound
    _, response = interleaved(
        staff_client,
        compound_url(compound),
        {"name": "My new name"},
        colleague,
        table_url(table),
        {"rows-0-responders_percent": "40.00"},
    )
    assert (
        response.status_code,
        form_errors(response)[0].startswith("This compound was changed by colleague at "),
        Compound.objects.get(pk=compound.pk).name,
    ) == (200, True, "Milnacipran")


def test_a_compound_edit_blocks_a_stale_trial_table_form(staff_client, colleague, table):
    _, response = interleaved(
        staff_client,
        table_url(table),
        {"caption": "My caption"},
        colleague,
        compound_url(table.compound),
        {"iupac_name": "their IUPAC name"},
    )
    assert (response.status_code, TrialTable.objects.get(pk=table.pk).caption) == (200, "Original caption")


def test_an_edit_of_another_compound_does_not_block_the_save(staff_client, colleague, table):
    other_table = make_compound(name="Duloxetine").trial_tables.create(heading="Trials", caption="Other caption")
    _, response = interleaved(
        staff_client, table_url(table), {"caption": "Mine"}, colleague, table_url(other_table), {"caption": "Theirs"}
    )
    assert (response.status_code, TrialTable.objects.get(pk=table.pk).caption) == (302, "Mine")


def save(client, url: str, changes: dict):
    """Open the page, change what is given, save it."""
    return client.post(url, {**form_data(client.get(url)), **changes})


def test_saving_a_trial_table_twice_from_fresh_forms_works(staff_client, table):
    save(staff_client, table_url(table), {"caption": "First"})
    save(staff_client, table_url(table), {"caption": "Second"})
    assert TrialTable.objects.get(pk=table.pk).caption == "Second"


def test_a_trial_table_reverts_to_an_earlier_version(staff_client, table):
    original = table.history.earliest()
    save(staff_client, table_url(table), {"caption": "Wrong caption"})
    response = save(staff_client, f"/admin/catalog/trialtable/{table.pk}/history/{original.history_id}/", {})
    assert (response.status_code, TrialTable.objects.get(pk=table.pk).caption) == (302, "Original caption")


def test_a_trial_table_can_still_be_added(staff_client, table):
    changes = {"compound": str(table.compound_id), "heading": "More trials", "caption": "Added table"}
    response = save(staff_client, "/admin/catalog/trialtable/add/", changes)
    assert (response.status_code, table.compound.trial_tables.count()) == (302, 2)


def test_every_catalog_admin_guards_its_saves():
    # Read-only admins (the reference import's records) save nothing, so they have nothing to guard.
    guarded = {
        model.__name__: issubclass(admin.site.get_model_admin(model).form, RevisionGuardedForm)
        for model in apps.get_app_config("catalog").get_models()
        if admin.site.is_registered(model) and not isinstance(admin.site.get_model_admin(model), ReadOnlyAdmin)
    }
    assert guarded == {"Compound": True, "TrialTable": True}
