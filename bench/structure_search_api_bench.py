"""Structure search end to end: the JSON API through Django's full stack, on the catalog DATABASE_URL names.

    DATABASE_URL=sqlite:////tmp/catalog-100k.sqlite3 .venv/bin/python bench/structure_search_api_bench.py

Fill that database first (`manage.py migrate`, `load_demo_catalog`, `load_reference_catalog --commit`,
`generate_catalog --count N --commit`; bench/README-generate.md). It times building this process's index
from the stored fingerprints (catalog/structure_index.py, as config/wsgi.py does before gunicorn forks),
then each query of bench/structure_search_bench.py's set, plus exact lookups, as API requests in process
(no network; the index is warm, as on a server after its first search): p50 and p95 of the whole request,
``--repeat`` times after one warm-up. Writes bench/results/structure-search-api-<count>.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from bench.structure_search_bench import SIMILARITY, SUBSTRUCTURE, p95  # noqa: E402
from catalog.models import Compound  # noqa: E402
from catalog.structure_index import structure_index  # noqa: E402
from catalog.structure_queries import COUNT_LIMIT as COUNTED  # noqa: E402 (substructure counts this far)

RESULTS = Path(__file__).parent / "results"
EXACT = [
    ("milnacipran by SMILES", "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2", False),
    ("milnacipran's skeleton (stereoisomers and salts)", "CCN(CC)C(=O)C1(c2ccccc2)CC1CN", True),
    ("an InChIKey", "GJJFMKBJSRMPLA-HIFRSBDPSA-N", False),
]


def timed(client: Client, params: dict, repeat: int) -> tuple[list[float], dict]:
    url = f"/api/compounds/structure-search?{urlencode(params)}"
    body = client.get(url).json()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return samples, body


def describe(body: dict) -> str:
    counted = f"{body['count']:,}" + (" or more" if body["partial"] or body["count"] >= COUNTED else "")
    return f"{len(body['results'])} listed, {counted} matching" + (", PARTIAL" if body["partial"] else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    count = Compound.objects.count()
    started = time.perf_counter()
    structure_index.warm()
    build_s = time.perf_counter() - started
    client = Client()
    rows = ["| request | p50 ms | p95 ms | answer |", "|---|---:|---:|---|"]
    cases = [
        (f"substructure: {label}", {"q": text, "mode": "substructure", "limit": 20}) for label, text in SUBSTRUCTURE
    ]
    cases += [
        (f"similarity: {label}", {"q": text, "mode": "similarity", "threshold": threshold, "limit": 50})
        for label, text, threshold in SIMILARITY
    ]
    cases += [
        (f"exact: {label}", {"q": text, "mode": "exact", **({"skeleton": "true"} if skeleton else {})})
        for label, text, skeleton in EXACT
    ]
    for label, params in cases:
        samples, body = timed(client, params, args.repeat)
        rows.append(f"| {label} | {statistics.median(samples):.1f} | {p95(samples):.1f} | {describe(body)} |")
        print(rows[-1], flush=True)
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    report = [
        f"# Structure search through the API, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{count:,} compounds ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}); the index built from "
        f"the stored fingerprints in {build_s:.1f} s; each request {args.repeat} times after a warm-up, in process "
        f"(Django's full stack, no network, no page cache in front); load average {load}.",
        "",
        *rows,
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"structure-search-api-{count}.md"
    path.write_text("\n".join(report), encoding="utf-8")
    print(f"index built in {build_s:.1f} s; written to {path}")


if __name__ == "__main__":
    main()
