from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.models import RelatedForm
from tests.factories import make_compound

QUERY = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&purity=100"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def milnacipran(db):
    base = make_compound(name="Milnacipran", slug="milnacipran", molecular_weight=Decimal("246.35"))
    salt = make_compound(
        name="Milnacipran Hydrochloride",
        slug="milnacipran-hydrochloride",
        molecular_formula="C15H23ClN2O",
        molecular_weight=Decimal("282.81"),
    )
    RelatedForm.objects.create(compound=base, related=salt, relation=RelatedForm.Relation.SALT_FORM)
    return base


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


# The widget on the compound page (full page, JavaScript off) ------------------------------------------


def test_compound_page_has_the_widget_with_its_heading_and_a_plain_get_form(client, milnacipran):
    page = soup(client.get("/compounds/milnacipran/"))
    assert page.find(id="calculator-heading").get_text() == "Mass Molarity Calculator"
    form = page.find("form", class_="calc-form")
    assert (form["method"], form["action"]) == ("get", "/compounds/milnacipran/#calculator")
    assert form["data-hx-get"] == "/calculator/widget/milnacipran/"
    assert page.find(id="calc-result")["aria-live"] == "polite"


def test_compound_page_offers_the_free_base_and_its_salt(client, milnacipran):
    options = soup(client.get("/compounds/milnacipran/")).select("#calc-vial label")
    assert [o.get_text() for o in options] == [
        "Milnacipran, free base (246.35 g/mol)",
        "Milnacipran Hydrochloride (282.81 g/mol)",
    ]


def test_a_salts_page_offers_the_salt_and_its_free_base(client, milnacipran):
    page = soup(client.get("/compounds/milnacipran-hydrochloride/"))
    assert [o["value"] for o in page.select("#calc-vial input")] == ["milnacipran-hydrochloride", "milnacipran"]
    assert page.select("#calc-vial label")[1].get_text() == "Milnacipran, free base (246.35 g/mol)"


def test_compound_page_without_inputs_shows_no_result_and_no_errors(client, milnacipran):
    page = soup(client.get("/compounds/milnacipran/"))
    assert page.find(class_="calc-empty") is not None
    assert page.select("#calculator .calc-error:not([hidden])") == []


def test_compound_page_with_inputs_in_the_query_string_shows_the_result(client, milnacipran):
    page = soup(client.get(f"/compounds/milnacipran/?{QUERY}"))
    answer = page.find(class_="calc-answer").get_text()
    assert answer == "Weigh 2.464 mg and bring to a final volume of 1 mL to make a 10 mM solution."
    assert "246.35 g/mol (Milnacipran, free base)" in page.find(id="calc-result").get_text()


def test_compound_page_keeps_what_was_typed_in_the_fields(client, milnacipran):
    page = soup(client.get(f"/compounds/milnacipran/?{QUERY}"))
    assert page.find(id="calc-concentration")["value"] == "10"
    assert page.select_one("#calc-concentration-unit option[selected]")["value"] == "mM"


def test_compound_page_with_the_salt_chosen_uses_the_salts_mw(client, milnacipran):
    page = soup(client.get(f"/compounds/milnacipran/?{QUERY}&vial=milnacipran-hydrochloride"))
    assert page.find(class_="calc-answer").get_text().startswith("Weigh 2.828 mg")


def test_compound_page_error_is_on_the_field_and_described_by_it(client, milnacipran):
    page = soup(client.get("/compounds/milnacipran/?" + QUERY.replace("concentration=10", "concentration=2,5")))
    field = page.find(id="calc-concentration")
    assert field["aria-invalid"] == "true"
    error_id = field["aria-describedby"].split()[0]
    assert page.find(id=error_id).get_text().startswith("Use a decimal point, not a comma")
    assert page.select_one("#calc-result .calc-error-summary a")["href"] == "#calc-concentration"


def test_compound_page_has_no_inline_styles_or_scripts_from_the_widget(client, milnacipran):
    section = soup(client.get(f"/compounds/milnacipran/?{QUERY}")).find(id="calculator")
    assert section.find_all("script") == []
    assert section.find_all(style=True) == []
    assert [tag for tag in section.find_all(True) if any(a.startswith("on") for a in tag.attrs)] == []


def test_every_widget_input_has_a_label(client, milnacipran):
    page = soup(client.get("/compounds/milnacipran/"))
    for control in page.select("#calculator input, #calculator select"):
        assert page.find("label", attrs={"for": control["id"]}) is not None, control["id"]


def test_stock_table_on_the_compound_page(client, milnacipran):
    cells = [
        td.get_text()
        for td in soup(client.get("/compounds/milnacipran/")).select("#calc-stock tbody tr")[0].find_all("td")
    ]
    assert cells == ["4.059 mL", "20.30 mL", "40.59 mL"]


# The widget's htmx partial ----------------------------------------------------------------------------


def test_htmx_partial_returns_only_the_result_region(client, milnacipran):
    response = client.get(f"/calculator/widget/milnacipran/?{QUERY}", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert soup(response).find(class_="calc-answer").get_text().startswith("Weigh 2.464 mg")


def test_htmx_partial_replaces_the_url_with_the_shareable_compound_page_url(client, milnacipran):
    response = client.get(f"/calculator/widget/milnacipran/?{QUERY}", headers=HTMX)
    assert response.headers["HX-Replace-Url"] == f"/compounds/milnacipran/?{QUERY}#calculator"


def test_the_solved_field_shows_the_answer_on_the_full_page(client, milnacipran):
    page = soup(client.get(f"/compounds/milnacipran/?{QUERY}"))
    assert page.find(id="calc-mass-solved").get_text() == "2.464 mg"


def test_htmx_partial_sends_the_solved_fields_answer_out_of_band(client, milnacipran):
    page = soup(client.get(f"/calculator/widget/milnacipran/?{QUERY}", headers=HTMX))
    solved = {p["id"]: (p["data-hx-swap-oob"], p.get_text()) for p in page.select(".calc-solved")}
    assert solved == {
        "calc-mass-solved": ("true", "2.464 mg"),
        "calc-volume-solved": ("true", "Calculated from the others"),
        "calc-concentration-solved": ("true", "Calculated from the others"),
    }


def test_the_standalone_pages_replace_the_url_instead_of_pushing(client, db):
    forms = [
        soup(client.get(url)).find("form", class_="calc-form") for url in ("/calculator/", "/calculator/dilution/")
    ]
    assert [(f.get("data-hx-replace-url"), f.get("data-hx-push-url")) for f in forms] == [("true", None)] * 2


def test_every_calculator_form_waits_150_ms_after_typing(client, milnacipran):
    urls = ("/compounds/milnacipran/", "/calculator/", "/calculator/dilution/")
    triggers = {soup(client.get(url)).find("form", class_="calc-form")["data-hx-trigger"] for url in urls}
    assert triggers == {"input delay:150ms, change delay:50ms, submit"}


def test_the_widget_links_to_the_dilution_calculator(client, milnacipran):
    links = soup(client.get("/compounds/milnacipran/")).select("#calculator a[href='/calculator/dilution/']")
    assert [a.get_text() for a in links] == ["dilution calculator"]


def test_the_site_menu_has_both_calculators(client, db):
    menu = soup(client.get("/calculator/")).select("nav[aria-label=Main] a")
    assert [(a.get_text(), a["href"]) for a in menu][-2:] == [
        ("Molarity calculator", "/calculator/"),
        ("Dilution calculator", "/calculator/dilution/"),
    ]


def test_htmx_partial_sends_field_errors_out_of_band_with_status_200(client, milnacipran):
    response = client.get("/calculator/widget/milnacipran/?" + QUERY.replace("volume=1", "volume=-1"), headers=HTMX)
    assert response.status_code == 200  # htmx swaps only successful responses
    error = soup(response).find(id="calc-volume-error")
    assert (error["data-hx-swap-oob"], error.get_text()) == ("true", "Enter a number greater than zero.")


def test_htmx_partial_updates_the_stock_table_out_of_band(client, milnacipran):
    response = client.get(f"/calculator/widget/milnacipran/?{QUERY}&vial=milnacipran-hydrochloride", headers=HTMX)
    stock = soup(response).find(id="calc-stock")
    assert stock["data-hx-swap-oob"] == "true"
    assert "MW 282.81 g/mol" in stock.find("caption").get_text()


def test_history_restore_gets_the_full_page_not_the_partial(client, milnacipran):
    headers = HTMX | {"HX-History-Restore-Request": "true"}
    response = client.get(f"/calculator/widget/milnacipran/?{QUERY}", headers=headers)
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/compounds/milnacipran/?{QUERY}#calculator",
    )


def test_widget_url_without_htmx_redirects_to_the_compound_page(client, milnacipran):
    response = client.get(f"/calculator/widget/milnacipran/?{QUERY}")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/compounds/milnacipran/?{QUERY}#calculator",
    )


def test_widget_for_an_unknown_compound_is_404(client, db):
    assert client.get("/calculator/widget/no-such-thing/", headers=HTMX).status_code == 404


def test_widget_partial_answers_head(client, milnacipran):
    response = client.head(f"/calculator/widget/milnacipran/?{QUERY}", headers=HTMX)
    assert (response.status_code, response.content) == (200, b"")


def test_widget_result_is_get_only(client, milnacipran):
    assert client.post("/calculator/widget/milnacipran/", headers=HTMX).status_code == 405


def test_widget_partial_costs_one_query_per_prefetch(client, milnacipran, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        client.get(f"/calculator/widget/milnacipran/?{QUERY}", headers=HTMX)


# Standalone pages -------------------------------------------------------------------------------------


def test_standalone_page_renders_empty(client, db):
    page = soup(client.get("/calculator/"))
    assert page.find("h1").get_text() == "Molarity calculator"
    assert page.find(id="calc-formula") is not None
    assert "RDKit's standard atomic weights" in page.find(id="calc-mw-hint").get_text()


@pytest.mark.parametrize("path", ["/calculator/", "/calculator/dilution/"])
def test_standalone_pages_answer_head(client, db, path):
    response = client.head(path)
    assert (response.status_code, response["Content-Type"], response.content) == (200, "text/html; charset=utf-8", b"")


def test_standalone_page_from_a_formula(client, db):
    response = client.get(f"/calculator/?{QUERY}&formula=C15H22N2O")
    page = soup(response)
    assert response.status_code == 200
    assert page.find(class_="calc-answer").get_text().startswith("Weigh 2.464 mg")
    assert (
        "246.354 g/mol (from C15H22N2O with RDKit's standard atomic weights)" in page.find(id="calc-result").get_text()
    )


def test_standalone_page_with_bad_input_is_400_with_the_message(client, db):
    response = client.get(f"/calculator/?{QUERY}&formula=Xq")
    assert response.status_code == 400
    assert soup(response).find(id="calc-formula-error").get_text().startswith("“Xq” is not an element symbol")


def test_standalone_page_htmx_partial(client, db):
    response = client.get(f"/calculator/?{QUERY}&mw=246.35", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert soup(response).find(class_="calc-answer").get_text().startswith("Weigh 2.464 mg")


def test_dilution_page(client, db):
    query = "solve=v1&c1=10&c1_unit=mM&c2=10&c2_unit=µM&v2=1&v2_unit=mL"
    page = soup(client.get(f"/calculator/dilution/?{query}"))
    assert page.find(class_="calc-answer").get_text() == (
        "Take 1.000 µL of the 10 mM stock and add 999.0 µL of diluent to make 1 mL at 10 µM."
    )


def test_dilution_page_htmx_partial(client, db):
    query = "solve=v1&c1=10&c1_unit=mM&c2=10&c2_unit=µM&v2=1&v2_unit=mL"
    response = client.get(f"/calculator/dilution/?{query}", headers=HTMX)
    assert "<html" not in response.content.decode()
    assert soup(response).find(class_="calc-answer") is not None


def test_widget_partial_reads_the_compound_from_the_cache_after_the_first_time(client, db, django_assert_num_queries):
    make_compound(slug="milnacipran")
    url = "/calculator/widget/milnacipran/?solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL"
    client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(1):  # the revision the compound is cached under, nothing else
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert "Weigh 2.464 mg" in soup(response).get_text()


def test_widget_partial_sees_a_new_salt_form_at_once(client, db):
    compound = make_compound(slug="milnacipran")
    query = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL"
    client.get(f"/calculator/widget/milnacipran/?{query}", HTTP_HX_REQUEST="true")
    salt = make_compound(name="The Hydrochloride", slug="the-hydrochloride", molecular_weight=Decimal("282.815"))
    RelatedForm.objects.create(compound=compound, related=salt, relation="salt_form")
    response = client.get(f"/calculator/widget/milnacipran/?{query}&vial=the-hydrochloride", HTTP_HX_REQUEST="true")
    assert "282.815 g/mol (The Hydrochloride)" in soup(response).get_text()
