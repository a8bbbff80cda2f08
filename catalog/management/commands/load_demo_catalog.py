"""Load (or reload) the demo catalog from fixtures/demo_catalog.json."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from catalog.chemistry import StructureError, identifiers_from_smiles
from catalog.models import (
    Compound,
    Description,
    PharmacokineticParameter,
    Reference,
    RelatedForm,
    Section,
    Synonym,
    TrialRow,
    TrialTable,
    read_iupac_names,
)
from catalog.naming import NameReaderUnavailable

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
        "Idempotent: compounds are matched by catalog number and their child rows replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FIXTURE, help="Fixture to load.")

    def handle(self, *args, file: Path, verbosity: int, **options) -> None:
        try:
            entries = json.loads(file.read_text(encoding="utf-8"))["compounds"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the demo catalog from {file}: {error}") from error
        with transaction.atomic():
            compounds = {entry["catalog_number"]: self.load_compound(entry) for entry in entries}
            for entry in entries:
                self.load_related_forms(compounds[entry["catalog_number"]], entry, compounds)
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

        for model in (Synonym, Description, PharmacokineticParameter, TrialTable, Section, Reference):
            model.objects.filter(compound=compound).delete()
        Synonym.objects.bulk_create(
            Synonym(compound=compound, name=name, position=i) for i, name in enumerate(entry.get("synonyms", []))
        )
        Description.objects.bulk_create(
            Description(compound=compound, position=i, **d) for i, d in enumerate(entry.get("descriptions", []))
        )
        PharmacokineticParameter.objects.bulk_create(
            PharmacokineticParameter(compound=compound, position=i, **p)
            for i, p in enumerate(entry.get("pk_parameters", []))
        )
        Section.objects.bulk_create(
            Section(compound=compound, position=i, **s) for i, s in enumerate(entry.get("sections", []))
        )
        Reference.objects.bulk_create(
            Reference(compound=compound, position=i, **r) for i, r in enumerate(entry.get("references", []))
        )
        for i, table_entry in enumerate(entry.get("trial_tables", [])):
            table_fields = {k: v for k, v in table_entry.items() if k != "rows"}
            table = TrialTable.objects.create(compound=compound, position=i, **table_fields)
            TrialRow.objects.bulk_create(
                TrialRow(table=table, position=j, **row) for j, row in enumerate(table_entry.get("rows", []))
            )
        return compound

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

    @staticmethod
    def load_related_forms(compound: Compound, entry: dict, compounds: dict[str, Compound]) -> None:
        RelatedForm.objects.filter(compound=compound).delete()
        for i, link in enumerate(entry.get("related_forms", [])):
            try:
                related = compounds[link["related"]]
            except KeyError as error:
                raise CommandError(
                    f"{entry['name']}: related compound {link['related']} is not in the file."
                ) from error
            RelatedForm.objects.create(compound=compound, related=related, relation=link["relation"], position=i)
        form = entry.get("melting_point_form")
        if form:
            if form not in compounds:
                raise CommandError(f"{entry['name']}: melting_point_form {form} is not in the file.")
            compound.melting_point_form = compounds[form]
            compound.save(update_fields=["melting_point_form"])
