"""The calculator stands apart: it imports nothing from the catalog, and its calculations nothing from Django."""

import ast
import subprocess
import sys
from pathlib import Path

CALCULATOR = Path(__file__).resolve().parents[2] / "calculator"
CALCULATION_MODULES = ("units", "calculations", "display", "formula", "answers")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_the_calculator_imports_nothing_from_the_catalog():
    from_catalog = {
        path.relative_to(CALCULATOR).as_posix(): sorted(
            name for name in imported(path) if name.split(".")[0] == "catalog"
        )
        for path in CALCULATOR.rglob("*.py")
    }
    assert {module: names for module, names in from_catalog.items() if names} == {}


def test_the_calculation_modules_load_without_django_or_the_catalog():
    modules = ", ".join(f"calculator.{name}" for name in CALCULATION_MODULES)
    code = f"import sys, {modules}; print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'django', 'catalog'}}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=CALCULATOR.parent, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
