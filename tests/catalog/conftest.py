"""Fixtures the admin tests share: a compound with a trial table, and a second editor."""

from decimal import Decimal

import pytest

from catalog.models import TrialTable
from tests.factories import make_compound


@pytest.fixture
def table(db) -> TrialTable:
    """Milnacipran's trial table ("Original caption") with one row, Phase III."""
    compound = make_compound(name="Milnacipran", slug="milnacipran")
    table = compound.trial_tables.create(heading="Trials", caption="Original caption")
    table.rows.create(
        study="Phase III",
        dose_mg_per_day=100,
        responders_percent=Decimal("35.00"),
        placebo_percent=Decimal("25.00"),
        p_value_relation="<",
        p_value=Decimal("0.001"),
    )
    return table


@pytest.fixture
def colleague(staff_client, django_user_model):
    """Another signed-in editor, "colleague"."""
    user = django_user_model.objects.create_superuser("colleague", "c@example.com", "another-long-password")
    client = type(staff_client)()
    client.force_login(user)
    return client
