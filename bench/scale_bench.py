"""Server time of the list, search and compound pages on a big catalog (e.g. 1,000,000 compounds).

Runs requests through Django's full stack in-process (no network, no page cache) against the database
that DATABASE_URL names, and prints p50/p95 per request kind. Fill that database first with
`manage.py generate_catalog --count 1000000 --commit` (see bench/README-generate.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/catalog_million .venv/bin/python bench/scale_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"  # measure the pages themselves, not the cache

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from catalog.models import Compound  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def timings(client: Client, url: str, repeat: int) -> list[float]:
    client.get(url)  # connection, template and query-plan caches warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    return samples


# The list's filters and orders (issue 14.7) and word search (issue 16.5). The first is the headline figure.
FILTERED = "mw_min=200&mw_max=400&logp_min=1&logp_max=3&ro5=1"


def list_cases(count: int) -> dict[str, str]:
    by_mw = Compound.objects.order_by("molecular_weight", "pk").values_list("pk", flat=True)
    mid_mw = by_mw.filter(molecular_weight__gte=200, molecular_weight__lte=400)[count // 4]
    last_dated = (
        Compound.objects.filter(first_approval_year__isnull=False)
        .order_by("-first_approval_year", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    cases = {
        "filtered list: MW 200-400, cLogP 1-3, Ro5, page 1": f"/compounds/?{FILTERED}",
        "filtered list, by MW, mid-list (keyset)": f"/compounds/?{FILTERED}&sort=mw&after={mid_mw}",
        "filtered list: TPSA <= 40, HBD <= 1, HBA <= 4": "/compounds/?tpsa_max=40&hbd_max=1&hba_max=4",
        "filtered list: measured solubility": "/compounds/?solubility=1",
        "filtered list: has salt forms, newest approval first": "/compounds/?salts=1&sort=-year",
        "filtered list: approved 1990-2010, by name": "/compounds/?year_min=1990&year_max=2010",
        "filtered list + search: 'mil' with Ro5": "/compounds/?q=mil&ro5=1",
        "list by MW, heaviest first, page 1": "/compounds/?sort=-mw",
        "list by approval year, page 1": "/compounds/?sort=year",
        "word search: serotonin": "/compounds/?q=serotonin",
        "word search: 'load testing' (every synthetic text)": "/compounds/?q=load+testing",
        "no results, suggestions: setraline": "/compounds/?q=setraline",
    }
    if last_dated:
        cases["list by approval year, past the last year (rows without one)"] = (
            f"/compounds/?sort=year&after={last_dated}"
        )
    return cases


def main(repeat: int = 50) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    count = Compound.objects.count()
    deep = Compound.objects.order_by("name", "pk").values_list("pk", flat=True)[count * 2 // 5]
    synthetic = Compound.objects.filter(is_synthetic=True).order_by("pk").values_list("slug", flat=True).last()
    # Few hits, but every trigram except one is shared by all synthetic names: the trigram index's worst case.
    narrow_synthetic = Compound.objects.filter(name__icontains="SYN-00012").count()
    cases = {
        "list, page 1": "/compounds/",
        f"list, {count * 2 // 5:,} rows in (keyset)": f"/compounds/?after={deep}",
        f"list, {count * 2 // 5:,} rows in, previous page": f"/compounds/?before={deep}",
        "search: name (milnacipran)": "/compounds/?q=milnacipran",
        "search: synonym (Cymbalta)": "/compounds/?q=cymbalta",
        "search: formula (C15H22N2O)": "/compounds/?q=C15H22N2O",
        "search: InChIKey skeleton": "/compounds/?q=GJJFMKBJSRMPLA",
        "search: CAS (jumps to the page)": "/compounds/?q=96847-55-1",
        "search: catalog no. (jumps)": "/compounds/?q=VC0006221",
        "search: name fragment, 2 chars (prefix)": "/compounds/?q=du",
        f"search: SYN-00012 ({narrow_synthetic:,} hits)": "/compounds/?q=SYN-00012",
        "search: broadest, every synthetic (SYN)": "/compounds/?q=SYN",
        "compound page, uncached (milnacipran)": "/compounds/milnacipran/",
    }
    if synthetic:
        cases["compound page, uncached (synthetic)"] = f"/compounds/{synthetic}/"
    cases.update(list_cases(count))
    client = Client()
    rows = []
    for label, url in cases.items():
        samples = timings(client, url, repeat)
        p95 = statistics.quantiles(samples, n=20)[-1]
        rows.append((label, statistics.median(samples), p95))
        print(f"{label:45} p50 {rows[-1][1]:7.2f} ms   p95 {p95:7.2f} ms", flush=True)
    vendor = connection.vendor
    table = "\n".join(f"| {label} | {p50:.2f} | {p95:.2f} |" for label, p50, p95 in rows)
    text = (
        f"# Catalog at scale, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"{count:,} compounds on {vendor}; server time in-process (Django test client, no page cache), "
        f"{repeat} requests each, 2-core machine.\n\n| request | p50 ms | p95 ms |\n|---|---:|---:|\n{table}\n"
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"scale-{vendor}-{count}.md"
    out.write_text(text)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
