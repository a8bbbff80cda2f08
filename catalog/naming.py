"""IUPAC names read as structures by OPSIN, so a name's stereo can be checked against the structure.

OPSIN is Java; its jar ships inside the ``py2opsin`` wheel, which we use only as the jar's carrier
(its Python wrapper writes temporary files into the working directory). One JVM start costs about a
second, so names are read in batches: the admin reads one name when a compound is saved, and
``load_demo_catalog`` and ``check_catalog`` read every name that changed in one call.
"""

from __future__ import annotations

import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

OPSIN_JAR_NAME = "opsin-cli-2.9.0-jar-with-dependencies.jar"


class NameReaderUnavailable(RuntimeError):
    """Java or the OPSIN jar is missing, or OPSIN failed as a whole."""


def opsin_jar() -> Path | None:
    spec = find_spec("py2opsin")  # the spec only: importing py2opsin would run `java -version`
    if spec is None or not spec.submodule_search_locations:
        return None
    jar = Path(spec.submodule_search_locations[0]) / OPSIN_JAR_NAME
    return jar if jar.exists() else None


def inchis_from_names(names: list[str]) -> list[str]:
    """The standard InChI OPSIN reads from each name, in order; "" for a name it cannot read."""
    if not names:
        return []
    jar = opsin_jar()
    if jar is None or shutil.which("java") is None:
        raise NameReaderUnavailable("Java and the OPSIN jar (py2opsin) are needed to read IUPAC names.")
    # One name per line in, one line out per name (empty when unreadable); newlines in a name would
    # shift the lines, so they are folded to spaces.
    lines = "\n".join(" ".join(name.split()) for name in names) + "\n"
    try:
        result = subprocess.run(
            ["java", "-jar", str(jar), "-ostdinchi"],
            input=lines,
            capture_output=True,
            text=True,
            timeout=60 + len(names) // 20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise NameReaderUnavailable(f"OPSIN failed: {error}") from error
    out = result.stdout.split("\n")
    return [(out[i].strip() if i < len(out) else "") for i in range(len(names))]


def without_stereo(inchi: str) -> str:
    """The InChI with its stereo layers (/t /m /s /b) removed: the constitution alone."""
    return "/".join(layer for layer in inchi.split("/") if not layer.startswith(("t", "m", "s", "b")))
