"""Small factories for test data (the demo fixture is for the demo, not for tests)."""

from decimal import Decimal
from itertools import count

from catalog.models import Compound, PharmacokineticParameter, Synonym, TrialRow, TrialTable

_sequence = count(1)


def make_compound(**fields) -> Compound:
    n = next(_sequence)
    values = {
        "name": f"Test compound {n}",
        "slug": f"test-compound-{n}",
        "catalog_number": f"TC{n:07d}",
        "molecular_formula": "C15H22N2O",
        "molecular_weight": Decimal("246.35"),
    }
    values.update(fields)
    return Compound.objects.create(**values)


def add_rows(compound: Compound, n: int) -> None:
    """Give a compound n rows in every child table its page shows (for query-count tests)."""
    table = TrialTable.objects.create(compound=compound, heading="Trials", caption="Table")
    for i in range(n):
        Synonym.objects.create(compound=compound, name=f"synonym {i}", position=i)
        PharmacokineticParameter.objects.create(compound=compound, label=f"Label {i}", value="text", position=i)
        TrialRow.objects.create(
            table=table,
            study=f"Study {i}",
            dose_mg_per_day=100,
            responders_percent=30,
            placebo_percent=10,
            p_value=Decimal("0.01"),
            position=i,
        )
        compound.descriptions.create(text=f"Paragraph {i}", position=i)
        compound.sections.create(title=f"Section {i}", body="body", position=i)
        compound.references.create(citation=f"Reference {i}", position=i)
