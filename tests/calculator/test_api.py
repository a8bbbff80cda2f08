import pytest

MOLARITY = "/api/calculator/molarity"
DILUTION = "/api/calculator/dilution"


@pytest.fixture
def get(client, db):
    def call(url: str, **params):
        return client.get(url, params)

    return call


def test_mass(get):
    response = get(
        MOLARITY, solve="mass", concentration="10", concentration_unit="mM", volume="1", volume_unit="mL", mw="246.35"
    )
    assert response.status_code == 200
    assert response.json() == {
        "solve": "mass",
        "value": 2.4635,
        "unit": "mg",
        "display": "2.464 mg",
        "mw_used": 246.35,
        "warnings": [],
    }


def test_volume_is_auto_scaled_and_written_as_on_the_form(get):
    # 1 mg ÷ (10 mM × 246.35 g/mol) = 0.40593 mL = 405.93 µL
    response = get(
        MOLARITY, solve="volume", mass="1", mass_unit="mg", concentration="10", concentration_unit="mM", mw="246.35"
    )
    body = response.json()
    assert (body["unit"], body["display"]) == ("µL", "405.9 µL")
    assert body["value"] == pytest.approx(405.92652729855894, rel=1e-15)


def test_concentration_with_purity(get):
    # 5 mg at 90 % in 1 mL: 4.5 mg ÷ 246.35 g/mol ÷ 1 mL = 18.267 mM
    response = get(
        MOLARITY,
        solve="concentration",
        mass="5",
        mass_unit="mg",
        volume="1",
        volume_unit="mL",
        mw="246.35",
        purity="90",
    )
    assert response.json()["display"] == "18.27 mM"


def test_concentration_in_mass_units_when_the_unit_asks_for_it(get):
    response = get(
        MOLARITY,
        solve="concentration",
        mass="5",
        mass_unit="mg",
        volume="1",
        volume_unit="mL",
        concentration_unit="mg/mL",
        mw="246.35",
    )
    assert response.json()["display"] == "5.000 mg/mL"


def test_warnings_are_listed(get):
    response = get(
        MOLARITY, solve="mass", concentration="1", concentration_unit="µM", volume="1", volume_unit="mL", mw="246.35"
    )
    body = response.json()
    assert body["display"] == "246.4 ng"
    assert body["warnings"][0].startswith("246.4 ng is below 1 mg")


def test_a_buffer_of_tens_of_litres_is_answered_with_a_warning(get):
    # 100 mM × 50 L × 246.35 g/mol = 1231.75 g: more than the 1 kg a lab usually weighs, so a warning, not a 400.
    response = get(
        MOLARITY, solve="mass", concentration="100", concentration_unit="mM", volume="50", volume_unit="L", mw="246.35"
    )
    assert (response.status_code, response.json()) == (
        200,
        {
            "solve": "mass",
            "value": 1.23175,
            "unit": "kg",
            "display": "1.232 kg",
            "mw_used": 246.35,
            "warnings": [
                "1.232 kg is more than 1 kg, an unusual amount to prepare at once; check the numbers and units."
            ],
        },
    )


def test_more_than_a_thousand_litres_is_400_with_the_range(get):
    response = get(
        MOLARITY, solve="mass", concentration="1", concentration_unit="mM", volume="1500", volume_unit="L", mw="246.35"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"errors": {"volume": ["Enter a final volume from 1 nL to 1,000 L."]}},
    )


def test_bad_input_is_400_with_errors_per_field(get):
    response = get(MOLARITY, solve="mass", concentration="2,5", concentration_unit="mm", volume="1", volume_unit="mL")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "concentration": ["Use a decimal point, not a comma: write 2.5, not 2,5 (and no thousands separators)."],
            "concentration_unit": ["Unknown unit “mm”: units are case-sensitive; did you mean mM?"],
            "mw": ["Enter the molecular weight in g/mol."],
        }
    }


def test_no_parameters_is_400(get):
    response = get(MOLARITY)
    assert (response.status_code, response.json()) == (
        400,
        {"errors": {"solve": ["Choose what to calculate: mass, volume or concentration."]}},
    )


def test_dilution(get):
    response = get(DILUTION, solve="v1", c1="10", c1_unit="mM", c2="10", c2_unit="uM", v2="1", v2_unit="mL")
    assert response.json() == {
        "solve": "v1",
        "value": 1.0,
        "unit": "µL",
        "display": "1.000 µL",
        "mw_used": None,
        "warnings": [],
    }


def test_dilution_across_kinds_reports_the_mw(get):
    response = get(
        DILUTION,
        solve="c2",
        c1="10",
        c1_unit="mg/mL",
        v1="10",
        v1_unit="µL",
        v2="1",
        v2_unit="mL",
        c2_unit="µM",
        mw="246.35",
    )
    body = response.json()
    assert (body["display"], body["mw_used"]) == ("405.9 µM", 246.35)


def test_impossible_dilution_is_400_on_the_field(get):
    response = get(DILUTION, solve="v1", c1="1", c1_unit="mM", c2="2", c2_unit="mM", v2="1", v2_unit="mL")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["c2"]


def test_api_is_get_only(client, db):
    assert client.post(MOLARITY).status_code == 405


def test_absurdly_long_input_is_refused_with_a_400(client, db):
    response = client.get(
        "/api/calculator/molarity",
        {"solve": "mass", "concentration": "1" * 5000, "concentration_unit": "mM", "volume": "1", "volume_unit": "mL"},
    )
    assert (response.status_code, "concentration" in response.json()["errors"]) == (400, True)


def test_absurdly_long_unit_is_refused_with_a_400(client, db):
    response = client.get(
        "/api/calculator/molarity",
        {"solve": "mass", "concentration": "1", "concentration_unit": "m" * 5000, "volume": "1", "volume_unit": "mL"},
    )
    assert (response.status_code, "concentration_unit" in response.json()["errors"]) == (400, True)
