"""Every text an editor can enter is escaped on the page: a script payload in each field stays inert."""

from decimal import Decimal

import pytest
from django.db import models

from catalog.models import (
    Compound,
    Description,
    PharmacokineticParameter,
    Reference,
    Section,
    Synonym,
    TrialRow,
    TrialTable,
)

LONG_PAYLOAD = "<script>alert(1)</script>"
SHORT_PAYLOAD = '"><svg onload=x>'  # fits the short identifier columns
NOT_FREE_TEXT = {"slug"}  # part of the URL, validated as a slug


def payloads_for(model: type[models.Model], **fixed) -> dict:
    """A payload for every free-text field of the model (short columns get the short payload)."""
    values = {}
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.name in NOT_FREE_TEXT or field.choices:
            continue
        short = field.max_length is not None and field.max_length < len(LONG_PAYLOAD)
        values[field.name] = SHORT_PAYLOAD if short else LONG_PAYLOAD
    values.update(fixed)
    return values


@pytest.fixture
def hostile_page(client, db):
    compound = Compound.objects.create(**payloads_for(Compound, slug="hostile", molecular_weight=Decimal("100")))
    Synonym.objects.create(**payloads_for(Synonym, compound=compound))
    Description.objects.create(**payloads_for(Description, compound=compound))
    PharmacokineticParameter.objects.create(**payloads_for(PharmacokineticParameter, compound=compound))
    Section.objects.create(**payloads_for(Section, compound=compound))
    Reference.objects.create(**payloads_for(Reference, compound=compound, url="https://example.org/"))
    table = TrialTable.objects.create(**payloads_for(TrialTable, compound=compound))
    TrialRow.objects.create(
        **payloads_for(
            TrialRow,
            table=table,
            dose_mg_per_day=1,
            responders_percent=1,
            placebo_percent=1,
            p_value=Decimal("0.5"),
        )
    )
    return client.get("/compounds/hostile/")


def test_page_with_hostile_text_renders(hostile_page):
    assert hostile_page.status_code == 200


def test_no_payload_reaches_the_page_unescaped(hostile_page):
    html = hostile_page.content.decode()
    assert (LONG_PAYLOAD in html, SHORT_PAYLOAD in html) == (False, False)


def test_payload_is_shown_as_text(hostile_page):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page.content.decode()
