"""Shared fixtures. The demo catalog is loaded only where a test is about the demo."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from catalog.page_cache import pages
from catalog.revisions import revisions
from catalog.structure_index import structure_index

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FIXTURE_PATH = Path(settings.BASE_DIR) / "fixtures" / "demo_catalog.json"


@pytest.fixture(scope="session")
def demo_entries() -> dict[str, dict]:
    """The demo fixture's compounds, by catalog number, as written in the file."""
    data = json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))
    return {entry["catalog_number"]: entry for entry in data["compounds"]}


@pytest.fixture
def milnacipran_copyable(demo_entries) -> dict[str, str]:
    """The identifiers milnacipran's page offers to copy, by their copy label, exactly as the fixture has them."""
    entry = demo_entries["VC0006221"]
    labels = {
        "CAS No.": "cas_number",
        "catalog No.": "catalog_number",
        "molecular formula": "molecular_formula",
        "InChI": "inchi",
        "InChIKey": "inchikey",
        "isomeric SMILES": "isomeric_smiles",
        "SMILES": "smiles",
        "canonical SMILES": "canonical_smiles",
    }
    return {label: entry[field] for label, field in labels.items()}


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a page cached by one test must not answer another (nor a
    structure search index built from another test's rows)."""
    cache.clear()
    pages.clear_local()
    revisions.forget()
    structure_index.reset()


@pytest.fixture
def demo_catalog(db):
    call_command("load_demo_catalog", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    client.force_login(user)
    return client
