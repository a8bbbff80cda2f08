"""Where a cold compound page's server time goes: the loader, the calculator widget, the templates.

Run: .venv/bin/python bench/page_bench.py [--slug milnacipran] [--repeat 300] [--only loader] [--profile] [--callgrind]

"Cold" is what `make bench` measures as "compound page, cold": no cached copy of the page anywhere,
so every request loads the compound and renders it. Requests go through Django's full stack
in-process (no network, no WSGI server) on a throwaway SQLite database holding the demo catalog.
Each figure is the median of several rounds; compare it with the bare Django view measured in the
same run (the framework's own cost per request), not across machines. ``--profile`` prints
cProfile's view of the figures ``--only`` picks; ``--callgrind`` counts their instructions per call,
which does not drift with the machine's load (bench/measure.py).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
READY = "PAGE_BENCH_DATABASE_READY"
if not os.environ.get(READY):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='page-bench-')}/db.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.template import base as template_base  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.measure import add_figure_arguments, call_repeatedly, callgrind_per_call, per_call_ms  # noqa: E402


def template_times(render, repeat: int) -> Counter:
    """Milliseconds per page spent in each template, including the templates it includes."""
    spent: Counter = Counter()
    original = template_base.Template._render

    def timed(template, context):
        start = time.perf_counter()
        try:
            return original(template, context)
        finally:
            spent[template.origin.template_name] += (time.perf_counter() - start) * 1000 / repeat

    template_base.Template._render = timed
    try:
        for _ in range(repeat):
            render()
    finally:
        template_base.Template._render = original
    return spent


def figures_to_run(client: Client, slug: str) -> dict:
    from calculator.widget import widget_context
    from catalog.calculator_widget import subject_for_page
    from catalog.checks import check_compound
    from catalog.models import Compound

    def load():
        return Compound.objects.for_page().get(slug=slug)

    url = f"/compounds/{slug}/"
    request = RequestFactory().get(url)
    compound = load()
    context = {"compound": compound, "calculator": widget_context(request, subject_for_page(compound))}
    template = get_template("catalog/compound_detail.html")
    template.render(context, request)  # the identifier checks are memoised on the compound from here on
    return {
        "bare Django view": lambda: client.get("/bench/bare/"),
        "cold compound page, whole request": lambda: client.get(url),
        "  loader (Compound.objects.for_page())": load,
        "  identifier checks (check_compound)": lambda: check_compound(compound),
        "  calculator widget context": lambda: widget_context(request, subject_for_page(compound)),
        "  templates (render only)": lambda: template.render(context, request),
    }, lambda: template.render(context, request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="milnacipran")
    add_figure_arguments(parser, repeat=300)
    args = parser.parse_args()

    logging.disable(logging.WARNING)
    # Not setup_test_environment(): its instrumented template rendering would double the render time.
    override_settings(ROOT_URLCONF="bench.urls", CATALOG_PAGE_CACHE_SECONDS=0).enable()
    if not os.environ.get(READY):  # valgrind's runs reuse the database the first run filled
        call_command("migrate", verbosity=0)
        call_command("load_demo_catalog", verbosity=0)
        os.environ[READY] = "1"
    if args.callgrind:
        print(f"{args.only}: {callgrind_per_call(__file__, args.only):,.0f} instructions per call (callgrind)")
        return

    client = Client()
    response = client.get(f"/compounds/{args.slug}/")
    assert response.status_code == 200 and "X-Page-Cache" not in response, "the page must be rendered"
    figures, render = figures_to_run(client, args.slug)
    chosen = {name: fn for name, fn in figures.items() if args.only in name}
    if args.profile:
        for name, fn in chosen.items():
            profile = cProfile.Profile()
            profile.runcall(call_repeatedly, fn, args.repeat)
            print(name)
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)
        return

    ms = {name: per_call_ms(fn, args.repeat, args.rounds) for name, fn in chosen.items()}
    bare = ms.get("bare Django view")
    print(f"{len(response.content):,} bytes of HTML for /compounds/{args.slug}/")
    print(f"{'':40} {'ms/request':>10} {'÷ bare view':>12}")
    for name, value in ms.items():
        print(f"{name:40} {value:10.3f} {value / bare if bare else float('nan'):12.1f}")
    if args.only:
        return
    print("\nTemplates, ms per page including what each includes (the timer adds its own cost):")
    for name, value in template_times(render, args.repeat).most_common():
        print(f"  {value:6.3f}  {name}")


if __name__ == "__main__":
    main()
