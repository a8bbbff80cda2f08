"""Load (or reload) the demo catalog from fixtures/demo_catalog.json."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from catalog.chemistry import StructureError, identifiers_from_smiles
from catalog.models import Compound, CompoundChild, RelatedForm, page_children
from catalog.naming import NameReaderUnavailable
from catalog.services import read_iupac_names

DEFAULT_FIXTURE = settings.BASE_DIR / "fixtures" / "demo_catalog.json"
COMPOUND_FIELDS = [
    "name",
    "slug",
    "cas_number",
    "molecular_formula",
    "molecular_weight",
    "iupac_name",
    "inchi",
    "inchikey",
    "isomeric_smiles",
    "smiles",
    "canonical_smiles",
    "melting_point_celsius",
    "melting_point_note",
    "research_use_notice",
    "mechanism_of_action",
    "pharmacokinetics_intro",
    "pharmacokinetics_summary",
]


class Command(BaseCommand):
    help = (
        "Load the demo catalog (milnacipran from the seed page plus real compounds of the same field). "
        "Idempotent: compounds are matched by catalog number and their child rows replaced. Each compound's "
        "rows are listed under the name of their relation (synonyms, trial_tables, and a table's rows); a "
        "value naming another compound (a related form's related, melting_point_form) is its catalog number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FIXTURE, help="Fixture to load.")

    def handle(self, *args, file: Path, verbosity: int, **options) -> None:
        try:
            entries = json.loads(file.read_text(encoding="utf-8"))["compounds"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the demo catalog from {file}: {error}") from error
        self.fixture_numbers = {entry["catalog_number"] for entry in entries}
        with transaction.atomic():
            compounds = {entry["catalog_number"]: self.load_compound(entry) for entry in entries}
            for entry in entries:  # rows may name any compound of the file, so once all exist
                compound = compounds[entry["catalog_number"]]
                self.load_rows(compound, entry, compounds)
                self.load_melting_point_form(compound, entry, compounds)
            try:
                read_iupac_names(list(compounds.values()))
            except NameReaderUnavailable as error:
                self.stderr.write(f"IUPAC names not read ({error}); the stereo check compares descriptor sets.")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(compounds)} compounds from {file.name}."))

    def load_compound(self, entry: dict) -> Compound:
        values = {field: entry.get(field, "") for field in COMPOUND_FIELDS}
        values["melting_point_celsius"] = entry.get("melting_point_celsius") or None
        if entry.get("structure_derived_from_smiles"):
            values.update(self.identifiers(entry))
        values["molecular_weight"] = Decimal(str(values["molecular_weight"]))
        if not values["research_use_notice"]:
            del values["research_use_notice"]  # the model's default notice
        compound, _ = Compound.objects.update_or_create(catalog_number=entry["catalog_number"], defaults=values)
        compound.full_clean()
        for model in page_children():
            if model.owner_model() is Compound:  # its own rows; a table's rows go with the table
                rows = model.objects.filter(**{model.owner: compound})
                if model is RelatedForm:
                    # Only the fixture's own links: a salt the reference import linked to a demo compound stays.
                    rows = rows.filter(related__catalog_number__in=self.fixture_numbers)
                rows.delete()
        return compound

    def load_rows(self, owner: Compound | CompoundChild, entry: dict, compounds: dict[str, Compound]) -> None:
        """The rows the entry lists for this owner (and, within each row, the rows it owns), in order."""
        for model in page_children():
            if model.owner_model() is not type(owner):
                continue
            relation = model._meta.get_field(model.owner).remote_field.get_accessor_name()
            for position, values in enumerate(entry.get(relation, [])):
                fields = {}
                for name, value in values.items():
                    if isinstance(value, list):
                        continue  # the row's own rows, loaded below
                    field = model._meta.get_field(name)
                    fields[name] = self.compound(entry, value, compounds) if field.related_model is Compound else value
                row = model.objects.create(**{model.owner: owner}, position=position, **fields)
                self.load_rows(row, values, compounds)

    @staticmethod
    def compound(entry: dict, catalog_number: str, compounds: dict[str, Compound]) -> Compound:
        try:
            return compounds[catalog_number]
        except KeyError:
            raise CommandError(f"{entry['name']}: compound {catalog_number} is not in the file.") from None

    @staticmethod
    def identifiers(entry: dict) -> dict:
        """Formula, MW, InChI, InChIKey and canonical SMILES computed by RDKit, never typed in."""
        try:
            computed = identifiers_from_smiles(entry["isomeric_smiles"])
        except StructureError as error:
            raise CommandError(f"{entry['name']}: {error}") from error
        return {
            "molecular_formula": computed.molecular_formula,
            "molecular_weight": computed.molecular_weight,
            "inchi": computed.inchi,
            "inchikey": computed.inchikey,
            "canonical_smiles": computed.canonical_smiles,
        }

    def load_melting_point_form(self, compound: Compound, entry: dict, compounds: dict[str, Compound]) -> None:
        form = entry.get("melting_point_form")
        if form:
            compound.melting_point_form = self.compound(entry, form, compounds)
            compound.save(update_fields=["melting_point_form"])
