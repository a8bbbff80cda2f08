"""The catalog's side of the widget interface: the subject from the page's compound, and for the endpoint."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from calculator.widget import AqueousSolubility, RelatedCompound, WidgetSubject
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


def test_a_miss_costs_three_queries_and_a_hit_one(base, django_assert_num_queries):
    with django_assert_num_queries(3):  # the revision, the compound's columns, then its salt-form links
        widget_subject("base")
    with django_assert_num_queries(1):  # the revision the cached subject is kept under
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


def test_a_measured_compound_tells_the_widget_its_aqueous_solubility(db):
    make_compound(name="Measured", slug="measured", solubility_log_s=Decimal("-2"), solubility_basis="compound")
    assert widget_subject("measured").solubility == AqueousSolubility(Decimal("0.01"), "Measured", "Huuskonen 2000")


def test_a_salt_measured_through_its_parent_says_so(db):
    make_compound(name="Salt", slug="salt", solubility_log_s=Decimal("-3"), solubility_basis="parent")
    assert widget_subject("salt").solubility.of == "the parent (free base or acid) of Salt"


def test_an_unmeasured_compound_gives_the_widget_no_solubility(base):
    assert widget_subject("base").solubility is None


def test_the_page_shows_the_warning_for_a_concentration_above_the_measured_solubility(client, db):
    make_compound(name="Measured", slug="measured", solubility_log_s=Decimal("-2"), solubility_basis="compound")
    query = "solve=mass&concentration=20&concentration_unit=mM&volume=1&volume_unit=mL"
    warnings = BeautifulSoup(client.get(f"/compounds/measured/?{query}").content, "html.parser").select_one(
        ".calc-warnings"
    )
    assert "20 mM is above the measured aqueous solubility of Measured, 10.00 mM (Huuskonen 2000)" in (
        warnings.get_text()
    )
