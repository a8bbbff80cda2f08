"""The calculations run without Django: the import contracts (pyproject.toml) say so statically; this loads them."""

import subprocess
import sys
from pathlib import Path

CALCULATOR = Path(__file__).resolve().parents[2] / "calculator"
CALCULATION_MODULES = ("units", "calculations", "display", "formula", "answers")


def test_the_calculation_modules_load_without_django_or_the_catalog():
    modules = ", ".join(f"calculator.{name}" for name in CALCULATION_MODULES)
    code = f"import sys, {modules}; print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'django', 'catalog'}}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=CALCULATOR.parent, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
