"""Staff paste a list of synonyms into one box on the compound's page; each becomes a Synonym row on save."""

import pytest
from bs4 import BeautifulSoup

from catalog.admin import pasted_names
from catalog.models import Compound
from tests.factories import make_compound
from tests.html_forms import form_data, form_errors


@pytest.fixture
def compound(db) -> Compound:
    compound = make_compound(name="Milnacipran", slug="milnacipran")
    compound.synonyms.create(name="Savella", position=0)
    return compound


def change_url(compound: Compound) -> str:
    return f"/admin/catalog/compound/{compound.pk}/change/"


def paste(client, compound: Compound, text: str, **changes):
    data = form_data(client.get(change_url(compound)))
    return client.post(change_url(compound), {**data, "synonyms_to_add": text, **changes}, follow=True)


def synonyms(compound: Compound) -> list[tuple[str, int]]:
    return list(compound.synonyms.order_by("position", "pk").values_list("name", "position"))


def test_names_are_read_one_per_line_or_separated_by_semicolons():
    assert pasted_names("Ixel\r\nDalcipran; F 2207;TN-912\n") == ["Ixel", "Dalcipran", "F 2207", "TN-912"]


def test_names_are_trimmed_and_blanks_dropped():
    assert pasted_names("  Ixel  \n\n ;  ; \tF   2207 ") == ["Ixel", "F 2207"]


def test_a_repeated_name_is_kept_once_as_first_written():
    assert pasted_names("Ixel\nIXEL; ixel\nDalcipran") == ["Ixel", "Dalcipran"]


def test_pasted_names_are_added_after_the_existing_synonyms(staff_client, compound):
    paste(staff_client, compound, "Ixel\nDalcipran; F 2207")
    assert synonyms(compound) == [("Savella", 0), ("Ixel", 1), ("Dalcipran", 2), ("F 2207", 3)]


def test_names_already_listed_in_any_letter_case_are_skipped(staff_client, compound):
    paste(staff_client, compound, "SAVELLA\nIxel")
    assert synonyms(compound) == [("Savella", 0), ("Ixel", 1)]


def test_the_page_says_what_was_added(staff_client, compound):
    response = paste(staff_client, compound, "Ixel; Dalcipran")
    soup = BeautifulSoup(response.content, "html.parser")
    messages = [li.get_text(strip=True) for li in soup.select(".messagelist li")]
    assert "Added 2 synonym(s): Ixel, Dalcipran." in messages


def test_a_name_also_typed_into_a_new_synonym_row_is_added_once(staff_client, compound):
    row = {"synonyms-TOTAL_FORMS": "2", "synonyms-1-name": "Ixel", "synonyms-1-position": "1"}
    response = paste(staff_client, compound, "Ixel\nDalcipran", **row)
    assert (response.status_code, synonyms(compound)) == (200, [("Savella", 0), ("Ixel", 1), ("Dalcipran", 2)])


@pytest.fixture
def refused_for_a_long_name(staff_client, compound):
    """A paste with one name of 301 characters, with a rename of the compound in the same save."""
    return paste(staff_client, compound, "Ixel\n" + "X" * 301, name="Renamed")


def test_an_overlong_name_is_an_error_on_the_paste_box(refused_for_a_long_name):
    soup = BeautifulSoup(refused_for_a_long_name.content, "html.parser")
    errors = [li.get_text(strip=True) for li in soup.select(".field-synonyms_to_add .errorlist li")]
    assert errors == [f"“{'X' * 40}…” was not added: Ensure this value has at most 300 characters (it has 301)."]


def test_an_overlong_name_saves_nothing(refused_for_a_long_name, compound):
    assert (Compound.objects.get(pk=compound.pk).name, synonyms(compound)) == ("Milnacipran", [("Savella", 0)])


def test_a_name_with_a_control_character_is_refused(staff_client, compound):
    response = paste(staff_client, compound, "Ix\x07el")
    assert form_errors(response) == [
        "“Ix\x07el” was not added: Remove the control character U+0007 at character 3: text cannot hold it."
    ]


def test_each_added_synonym_is_in_the_history_with_who_added_it(staff_client, compound):
    paste(staff_client, compound, "Ixel")
    record = compound.synonyms.get(name="Ixel").history.get()
    assert (record.history_type, record.history_user.username) == ("+", "staff")


def test_a_paste_shows_on_the_public_page_at_the_next_request(staff_client, compound):
    staff_client.get(compound.get_absolute_url())
    paste(staff_client, compound, "Dalcipran")
    assert "Dalcipran" in staff_client.get(compound.get_absolute_url()).text
