"""Lighthouse scores of the key pages on the production-style server; writes bench/results/lighthouse-DATE.json.

Run: .venv/bin/python bench/lighthouse.py   (needs `npm ci` and /usr/bin/chromium)
"""

import json
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.lighthouse import KEY_PAGES, lighthouse_report, scores
from tests.prodserver import production_server


def main() -> None:
    results = {}
    with production_server(Path(tempfile.mkdtemp())) as base:
        for path in KEY_PAGES:
            results[path] = scores(lighthouse_report(base + path))
            print(path, results[path], flush=True)
    record = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "server": "gunicorn 1 worker, production settings, WhiteNoise, SQLite, demo catalog",
        "lighthouse": "default mobile profile, simulated throttling, Debian chromium headless",
        "scores": results,
    }
    out = Path(__file__).parent / "results" / f"lighthouse-{record['date']}.json"
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
