"""How much server time a calculation request costs (issue 3 asks for well under 2 ms).

Run: .venv/bin/python bench/calculator_bench.py [--repeat 2000] [--only molarity] [--profile] [--callgrind]

Requests go through Django's full stack in-process (middleware, URL routing, form, calculation,
template or JSON), without a network or a WSGI server, so the figure is server time only. The widget
partial also reads the compound from a throwaway in-memory SQLite database. Each figure is the median
of several runs; compare them with each other (and with a bare Django view on the same machine), not
across machines. A busy machine makes times noisy: ``--callgrind`` counts CPU instructions per request
instead (two runs under valgrind, subtracted, so start-up cancels out); repeat runs agree within ~5 %.
``--profile`` prints cProfile's view of the figures picked with ``--only``.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.measure import add_figure_arguments, call_repeatedly, callgrind_per_call, per_call_ms  # noqa: E402
from calculator.answers import Given, MolarityInputs, molarity_answer  # noqa: E402
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


# Each figure's name and how many times fewer it runs than --repeat says (the ones that read the database
# are slower, so they run less often for the same wall-clock time).
DIVISORS = {
    "calculation alone (molarity_answer)": 1,
    "bare Django view (bench/urls.py)": 1,
    "bare Django 404": 1,
    "GET /api/calculator/molarity": 1,
    "GET /api/calculator/dilution": 1,
    "GET widget htmx partial (with DB)": 4,
    "  of which widget_subject() (a cache miss)": 4,
    "  (the page's loader, for_page(), not used)": 4,
}


def figures_to_run(client: Client, inputs: MolarityInputs) -> dict:
    from catalog.calculator_widget import widget_subject
    from catalog.models import Compound

    htmx = {"HX-Request": "true"}

    def subject_on_a_miss():
        cache.clear()
        return widget_subject("bench")

    functions = {
        "calculation alone (molarity_answer)": lambda: molarity_answer(inputs),
        "bare Django view (bench/urls.py)": lambda: client.get("/bench/bare/"),
        "bare Django 404": lambda: client.get("/api/calculator/nothing"),
        "GET /api/calculator/molarity": lambda: client.get(MOLARITY),
        "GET /api/calculator/dilution": lambda: client.get(DILUTION),
        "GET widget htmx partial (with DB)": lambda: client.get(WIDGET, headers=htmx),
        "  of which widget_subject() (a cache miss)": subject_on_a_miss,
        "  (the page's loader, for_page(), not used)": lambda: Compound.objects.for_page().get(slug="bench"),
    }
    return {name: (fn, DIVISORS[name]) for name, fn in functions.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_figure_arguments(parser, repeat=1000)
    args = parser.parse_args()
    if args.callgrind:
        divisors = {divisor for name, divisor in DIVISORS.items() if args.only in name}
        if len(divisors) != 1:
            parser.error("--callgrind needs an --only that picks figures run equally often")
        # callgrind_per_call counts calls as if --repeat of them ran; this figure ran a divisor-th as many.
        per_call = callgrind_per_call(__file__, args.only) * divisors.pop()
        print(f"{args.only}: {per_call:,.0f} instructions per call (callgrind)")
        return

    logging.disable(logging.WARNING)  # the baseline's 404s would log one line each
    # Not setup_test_environment(): its instrumented template rendering would inflate the widget's figure.
    override_settings(ROOT_URLCONF="bench.urls").enable()  # the site's URLs plus a bare view
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
    chosen = {name: run for name, run in figures_to_run(client, inputs).items() if args.only in name}
    if args.profile:
        for name, (fn, divisor) in chosen.items():
            fn()
            profile = cProfile.Profile()
            profile.runcall(call_repeatedly, fn, args.repeat // divisor)
            print(name)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return
    figures = {name: per_call_ms(fn, args.repeat // divisor, args.rounds) for name, (fn, divisor) in chosen.items()}
    baseline = figures.get("bare Django view (bench/urls.py)")
    print(f"{'':42} {'µs/request':>10} {'− bare view':>12} {'÷ 2 ms budget':>14}")
    for name, ms in figures.items():
        own = f"{(ms - baseline) * 1000:12.1f}" if baseline and name.startswith("GET") else f"{'':12}"
        print(f"{name:42} {ms * 1000:10.1f} {own} {ms / BUDGET_MS:14.2f}")


if __name__ == "__main__":
    main()
