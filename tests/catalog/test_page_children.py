"""CompoundChild is the one declaration of what a compound's page shows: everything that needs the list reads it."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Compound, CompoundChild, RelatedForm, page_children
from catalog.services import delete_compounds_plainly
from tests.factories import add_rows, make_compound


def catalog_models() -> list:
    """The catalog's own models, not the history tables simple-history makes for them."""
    return [m for m in apps.get_app_config("catalog").get_models() if not m.__name__.startswith("Historical")]


def test_every_model_pointing_at_a_compound_or_its_rows_is_a_page_child():
    page_models = {Compound, *page_children()}
    pointing = {
        model
        for model in catalog_models()
        if model is not Compound
        and any(f.many_to_one and f.related_model in page_models for f in model._meta.concrete_fields)
    }
    assert sorted(m.__name__ for m in pointing if not issubclass(m, CompoundChild)) == []


def test_tables_come_before_the_rows_they_own():
    order = [m.__name__ for m in page_children()]
    assert order.index("TrialTable") < order.index("TrialRow")


@pytest.fixture
def populated(db):
    """A compound with a row in every child table (add_rows must cover each one: see the test below)."""
    compound = make_compound()
    add_rows(compound, 2)
    RelatedForm.objects.create(compound=compound, related=make_compound(), relation="salt_form")
    return compound


def rows_of(compound: Compound) -> dict:
    return {model: list(model.objects.filter(model.rows_of([compound.pk]))) for model in page_children()}


def test_the_fixture_has_a_row_in_every_child_table(populated):
    assert [model.__name__ for model, rows in rows_of(populated).items() if not rows] == []


def test_saving_a_row_of_any_child_table_gives_the_page_a_new_revision(populated):
    bumped = []
    for model, rows in rows_of(populated).items():
        before = Compound.objects.get(pk=populated.pk).revision
        rows[0].save()
        bumped.append((model.__name__, Compound.objects.get(pk=populated.pk).revision - before))
    assert bumped == [(model.__name__, 1) for model in page_children()]


@pytest.mark.parametrize("model", page_children(), ids=lambda model: model.__name__)
def test_moving_a_row_of_any_child_table_gives_both_pages_a_new_revision(populated, model):
    """A row saved under another owner (a trial table given to another compound): the page it left stops
    showing it, so it needs a new revision as much as the page it joins."""
    other = make_compound()
    other.trial_tables.create(heading="Other trials", caption="Table")  # somewhere for a trial row to go
    owner_model = model.owner_model()
    new_owner = other if owner_model is Compound else owner_model.objects.get(**{owner_model.owner: other})
    row = rows_of(populated)[model][0]
    before = {pk: Compound.objects.get(pk=pk).revision for pk in (populated.pk, other.pk)}
    setattr(row, model.owner, new_owner)
    row.save()
    assert [Compound.objects.get(pk=pk).revision > revision for pk, revision in before.items()] == [True, True]


def test_saving_a_row_in_place_bumps_its_page_once(populated):
    row = populated.synonyms.first()
    before = Compound.objects.get(pk=populated.pk).revision
    row.name = "renamed"
    row.save()
    assert Compound.objects.get(pk=populated.pk).revision == before + 1


def test_deleting_a_row_of_any_child_table_gives_the_page_a_new_revision(populated):
    bumped = []
    for model in reversed(page_children()):  # rows before the tables that own them
        row = model.objects.filter(model.rows_of([populated.pk])).first()
        before = Compound.objects.get(pk=populated.pk).revision
        row.delete()
        bumped.append((model.__name__, Compound.objects.get(pk=populated.pk).revision > before))
    assert all(went_up for _, went_up in bumped), bumped


def test_the_page_loader_reads_every_child_table_without_lazy_queries(populated, django_assert_num_queries):
    compound = Compound.objects.for_page().get(pk=populated.pk)
    with django_assert_num_queries(0):
        for model in page_children():
            path = model.page_path().split("__")
            owners = [compound]
            for relation in path:
                owners = [row for owner in owners for row in getattr(owner, relation).all()]
            assert owners, model.__name__


def test_plain_delete_removes_every_child_row_and_writes_no_history(populated):
    with CaptureQueriesContext(connection) as queries:
        assert delete_compounds_plainly([populated.pk]) == 1
    left = {model.__name__: model.objects.filter(model.rows_of([populated.pk])).count() for model in page_children()}
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert (left, writes) == ({model.__name__: 0 for model in page_children()}, [])


def test_every_child_table_keeps_history(populated):
    assert [m.__name__ for m in page_children() if not m.history.filter(m.rows_of([populated.pk])).exists()] == []
