"""The catalog's side of the widget interface: the subject from the page's compound, and for the endpoint."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from calculator.widget import RelatedCompound, WidgetSubject
from catalog.calculator_widget import subject_for_page, widget_subject
from catalog.models import Compound, RelatedForm
from catalog.page_cache import release
from catalog.revisions import revisions
from tests.factories import make_compound


@pytest.fixture
def base(db):
    compound = make_compound(name="Base", slug="base", molecular_weight=Decimal("246.35"))
    salt = make_compound(name="Base HCl", slug="base-hcl", molecular_weight=Decimal("282.81"))
    RelatedForm.objects.create(compound=compound, related=salt, relation=RelatedForm.Relation.SALT_FORM)
    enantiomer = make_compound(name="Other", slug="other", molecular_weight=Decimal("246.35"))
    RelatedForm.objects.create(compound=compound, related=enantiomer, relation=RelatedForm.Relation.ENANTIOMER)
    return compound


EXPECTED = WidgetSubject(
    slug="base",
    name="Base",
    mw=Decimal("246.35"),
    page_url="/compounds/base/",
    salt_forms=(RelatedCompound(slug="base-hcl", name="Base HCl", mw=Decimal("282.81")),),
)


def test_the_endpoints_subject_has_the_compound_and_its_salt_forms_only(base):
    assert widget_subject("base") == EXPECTED


def test_a_salts_subject_names_its_free_base(base):
    subject = widget_subject("base-hcl")
    assert (subject.salt_forms, subject.free_bases) == ((), (RelatedCompound("base", "Base", Decimal("246.35")),))


def test_an_unknown_slug_has_no_subject(db):
    assert widget_subject("no-such-compound") is None


def test_the_pages_subject_is_the_same_and_costs_no_query(base, django_assert_num_queries):
    compound = Compound.objects.for_page().get(slug="base")
    with django_assert_num_queries(0):
        assert subject_for_page(compound) == EXPECTED


def test_a_miss_costs_two_queries_and_a_hit_none(base, django_assert_num_queries):
    with django_assert_num_queries(2):  # the compound's columns, then its salt-form links (the revision: raw SQL)
        widget_subject("base")
    with django_assert_num_queries(0):
        widget_subject("base")


def test_the_cache_holds_the_small_subject_under_the_compounds_revision(base):
    widget_subject("base")
    state = revisions.compound("base")
    assert cache.get(f"widget-subject:{release()}:{state.pk}:{state.revision}") == EXPECTED


def test_an_edit_to_a_salt_form_shows_at_once(base):
    widget_subject("base")
    salt = Compound.objects.get(slug="base-hcl")
    salt.molecular_weight = Decimal("282.815")
    salt.save()
    assert widget_subject("base").salt_forms[0].mw == Decimal("282.815")
