"""The widget interface works from a WidgetSubject alone: no catalog, no database."""

from decimal import Decimal

from django.test import RequestFactory

from calculator.widget import (
    AqueousSolubility,
    RelatedCompound,
    WidgetSubject,
    vial_forms,
    widget_context,
    widget_subject,
)

BASE = WidgetSubject(slug="base", name="Base", mw=Decimal("246.3500"), page_url="/somewhere/base/")
SALT = RelatedCompound(slug="base-hcl", name="Base Hydrochloride", mw=Decimal("282.81"))
QUERY = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL"


def test_a_compound_without_salts_offers_only_itself():
    assert [(f.slug, f.label) for f in vial_forms(BASE)] == [("base", "Base")]


def test_a_compound_with_a_salt_offers_itself_as_the_free_base_then_the_salt():
    subject = WidgetSubject(slug="base", name="Base", mw=Decimal(1), page_url="/b/", salt_forms=(SALT,))
    assert [f.label for f in vial_forms(subject)] == ["Base, free base", "Base Hydrochloride"]


def test_a_salt_offers_itself_then_its_free_base():
    free_base = RelatedCompound(slug="base", name="Base", mw=Decimal(1))
    subject = WidgetSubject(slug="base-hcl", name="Base HCl", mw=Decimal(1), page_url="/s/", free_bases=(free_base,))
    assert [(f.slug, f.label) for f in vial_forms(subject)] == [
        ("base-hcl", "Base HCl"),
        ("base", "Base, free base"),
    ]


def test_the_context_answers_from_the_subjects_mw_and_shows_it_without_padding():
    context = widget_context(RequestFactory().get(f"/?{QUERY}"), BASE)
    assert (context["answer"].display, context["subject_mw"], context["stock_mw"]) == ("2.464 mg", "246.35", "246.35")


def test_the_endpoint_finds_its_subject_through_the_function_the_setting_names(settings):
    settings.CALCULATOR_WIDGET_SUBJECT = "tests.calculator.test_widget.only_base"
    assert (widget_subject("base"), widget_subject("other")) == (BASE, None)


def test_the_widget_endpoint_renders_a_subject_from_that_function(client, settings):
    settings.CALCULATOR_WIDGET_SUBJECT = "tests.calculator.test_widget.only_base"
    response = client.get(f"/calculator/widget/base/?{QUERY}", headers={"HX-Request": "true"})
    assert (response.status_code, response.headers["HX-Replace-Url"]) == (200, f"/somewhere/base/?{QUERY}#calculator")


def only_base(slug: str) -> WidgetSubject | None:
    return BASE if slug == "base" else None


def test_the_widget_warns_above_the_subjects_measured_aqueous_solubility():
    solubility = AqueousSolubility(molar=Decimal("0.001"), of="Base", source="Huuskonen 2000")
    subject = WidgetSubject(slug="base", name="Base", mw=Decimal("246.35"), page_url="/b/", solubility=solubility)
    warnings = widget_context(RequestFactory().get(f"/?{QUERY}"), subject)["answer"].warnings
    assert [w[: w.index(" (")] for w in warnings] == [
        "10 mM is above the measured aqueous solubility of Base, 1.000 mM"
    ]


def test_a_subject_without_a_measured_solubility_gets_no_solubility_warning():
    assert widget_context(RequestFactory().get(f"/?{QUERY}"), BASE)["answer"].warnings == ()
