"""Property-based tests: the round trip holds for any sensible numbers, and no input ever gives a 500."""

from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator.calculations import Given, concentration_from, mass_to_weigh, volume_to_dissolve
from calculator.units import BY_SYMBOL, UNITS
from tests.factories import make_compound


def decimals(low: str, high: str):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), allow_nan=False, allow_infinity=False, places=6)


masses_mg = decimals("0.001", "10000")
volumes_ml = decimals("0.001", "10000")
mws = decimals("1", "100000")
purities = decimals("0.01", "1")


MG, ML, MM = BY_SYMBOL["mg"], BY_SYMBOL["mL"], BY_SYMBOL["mM"]


@given(mass=masses_mg, volume=volumes_ml, mw=mws, purity=purities)
def test_mass_to_concentration_to_mass_round_trips(mass, volume, mw, purity):
    concentration = concentration_from(mass=Given(mass, MG), volume=Given(volume, ML), mw=mw, purity=purity)
    back = mass_to_weigh(concentration=Given(concentration, MM), volume=Given(volume, ML), mw=mw, purity=purity)
    assert abs(back - mass) <= mass * Decimal("1e-24")


@given(mass=masses_mg, volume=volumes_ml, mw=mws)
def test_mass_to_concentration_to_volume_round_trips(mass, volume, mw):
    concentration = concentration_from(mass=Given(mass, MG), volume=Given(volume, ML), mw=mw)
    back = volume_to_dissolve(mass=Given(mass, MG), concentration=Given(concentration, MM), mw=mw)
    assert abs(back - volume) <= volume * Decimal("1e-24")


PARAMETERS = [
    "solve", "mass", "mass_unit", "volume", "volume_unit", "concentration", "concentration_unit", "mw", "purity",
    "formula", "vial", "batch_mw", "c1", "c1_unit", "v1", "v1_unit", "c2", "c2_unit", "v2", "v2_unit",
]  # fmt: skip
NASTY = ["", "0", "-1", "nan", "inf", "1e400", "1e-400", "2,5", "1" * 60, "mM", "%", "\x00", "١", "🧪", "0x10", "1_000"]
values = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from([unit.symbol for unit in UNITS]),
    st.sampled_from(["mass", "volume", "concentration", "c1", "v1", "c2", "v2"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.text(max_size=30),
)
queries = st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=len(PARAMETERS))
URLS = [
    "/api/calculator/molarity",
    "/api/calculator/dilution",
    "/calculator/",
    "/calculator/dilution/",
    "/compounds/garbage-test/",
]


@pytest.fixture
def garbage_compound(db):
    return make_compound(name="Garbage test", slug="garbage-test")


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(URLS), query=queries, htmx=st.booleans())
def test_random_and_garbage_input_never_gives_a_500(garbage_compound, url, query, htmx):
    client = Client(raise_request_exception=False)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(url, query, headers=headers)
    assert response.status_code in (200, 400), (url, query, response.status_code)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Without NUL: no browser sends one, and ops.middleware.RefuseNulMiddleware answers it 400 before any view.
@given(query=queries.filter(lambda query: not any("\x00" in value for value in query.values())))
def test_random_input_to_the_widget_partial_never_gives_a_500(garbage_compound, query):
    client = Client(raise_request_exception=False)
    response = client.get("/calculator/widget/garbage-test/", query, headers={"HX-Request": "true"})
    assert response.status_code == 200
