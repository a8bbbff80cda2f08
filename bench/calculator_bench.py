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
import re
import statistics
import subprocess
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
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

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


def call_repeatedly(fn, repeat: int) -> None:
    for _ in range(repeat):
        fn()


def callgrind_instructions(only: str, repeat: int) -> int:
    """Instructions valgrind counts for a whole run of this script with ``--only`` and one timed round."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
        "--only", only, "--repeat", str(repeat), "--rounds", "1",
    ]  # fmt: skip
    # pymalloc's arenas and random string hashes make the two runs differ by more than the calls do
    env = {**os.environ, "PYTHONMALLOC": "malloc", "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def callgrind_per_request(only: str, low: int = 20, high: int = 120) -> float:
    # Each run makes min(repeat, 200) warm-up calls and one round of ``repeat``: twice ``repeat`` up to 200.
    return (callgrind_instructions(only, high) - callgrind_instructions(only, low)) / (2 * (high - low))


def figures_to_run(client: Client, inputs: MolarityInputs) -> dict:
    from catalog.selectors import compound_for_page

    htmx = {"HX-Request": "true"}
    return {
        "calculation alone (molarity_answer)": (lambda: molarity_answer(inputs), 1),
        "bare Django view (bench/urls.py)": (lambda: client.get("/bench/bare/"), 1),
        "bare Django 404": (lambda: client.get("/api/calculator/nothing"), 1),
        "GET /api/calculator/molarity": (lambda: client.get(MOLARITY), 1),
        "GET /api/calculator/dilution": (lambda: client.get(DILUTION), 1),
        "GET widget htmx partial (with DB)": (lambda: client.get(WIDGET, headers=htmx), 4),
        "  of which compound_for_widget()": (lambda: compound_for_widget("bench"), 4),
        "  (the page's loader, compound_for_page(), not used)": (lambda: compound_for_page("bench"), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the figures whose name contains this")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions for --only")
    parser.add_argument("--callgrind", action="store_true", help="instructions per request for --only")
    args = parser.parse_args()
    if args.callgrind:
        print(f"{args.only}: {callgrind_per_request(args.only):,.0f} instructions per call (callgrind)")
        return

    logging.disable(logging.WARNING)  # the baseline's 404s would log one line each
    setup_test_environment()
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
