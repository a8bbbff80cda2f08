"""How much server time a calculation request costs (issue 3 asks for well under 2 ms).

Run: .venv/bin/python bench/calculator_bench.py [--repeat 2000]

Requests go through Django's full stack in-process (middleware, URL routing, form, calculation,
template or JSON), without a network or a WSGI server, so the figure is server time only. The widget
partial also reads the compound from a throwaway in-memory SQLite database. Each figure is the median
of several runs; compare them with each other (and with a bare Django 404 on the same machine), not
across machines.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from calculator.answers import Given, MolarityInputs, molarity_answer  # noqa: E402
from calculator.selectors import compound_for_widget  # noqa: E402
from calculator.units import BY_SYMBOL  # noqa: E402

BUDGET_MS = 2.0
MOLARITY = (
    "/api/calculator/molarity?solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&mw=246.35"
)
DILUTION = "/api/calculator/dilution?solve=v1&c1=10&c1_unit=mg/mL&c2=10&c2_unit=µM&v2=1&v2_unit=mL&mw=246.35"
WIDGET = (
    "/calculator/widget/bench/?solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL"
    "&vial=bench&purity=98"
)


def per_call_ms(fn, repeat: int, rounds: int = 5) -> float:
    for _ in range(min(repeat, 200)):  # warm up
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        samples.append((time.perf_counter() - start) * 1000 / repeat)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1000)
    repeat = parser.parse_args().repeat

    logging.disable(logging.WARNING)  # the baseline's 404s would log one line each
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from catalog.models import Compound

    Compound.objects.create(
        name="Bench", slug="bench", catalog_number="BX0000001", molecular_formula="C15H22N2O",
        molecular_weight=Decimal("246.35"),
    )  # fmt: skip
    client = Client()
    htmx = {"HX-Request": "true"}
    for url, headers in ((MOLARITY, {}), (DILUTION, {}), (WIDGET, htmx)):
        assert client.get(url, headers=headers).status_code == 200, url

    inputs = MolarityInputs(
        solve="mass", mw=Decimal("246.35"), mw_label="", concentration=Given(Decimal(10), BY_SYMBOL["mM"]),
        volume=Given(Decimal(1), BY_SYMBOL["mL"]),
    )  # fmt: skip
    figures = {
        "calculation alone (molarity_answer)": per_call_ms(lambda: molarity_answer(inputs), repeat),
        "bare Django 404 (baseline)": per_call_ms(lambda: client.get("/api/calculator/nothing"), repeat),
        "GET /api/calculator/molarity": per_call_ms(lambda: client.get(MOLARITY), repeat),
        "GET /api/calculator/dilution": per_call_ms(lambda: client.get(DILUTION), repeat),
        "GET widget htmx partial (with DB)": per_call_ms(lambda: client.get(WIDGET, headers=htmx), repeat // 4),
    }
    figures["  of which compound_for_widget()"] = per_call_ms(lambda: compound_for_widget("bench"), repeat // 4)
    figures["  (the page's for_page().get(), not used)"] = per_call_ms(
        lambda: Compound.objects.for_page().get(slug="bench"), repeat // 4
    )
    baseline = figures["bare Django 404 (baseline)"]
    print(f"{'':38} {'ms/request':>10} {'÷ 404':>7} {'÷ 2 ms budget':>14}")
    for name, ms in figures.items():
        print(f"{name:38} {ms:10.3f} {ms / baseline:7.2f} {ms / BUDGET_MS:14.2f}")


if __name__ == "__main__":
    main()
