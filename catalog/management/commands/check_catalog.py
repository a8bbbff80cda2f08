"""Run every check of entered data against structure over the whole catalog and print a report."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F

from catalog import checks
from catalog.models import Compound
from catalog.naming import NameReaderUnavailable
from catalog.services import read_iupac_names


class Command(BaseCommand):
    help = (
        "Check every compound's entered identifiers and properties against its structure (RDKit): canonical "
        "SMILES, InChI, InChIKey, formula, MW, CAS check digit and duplicates, CIP stereo vs the IUPAC name, "
        "a salt's parent vs its free base, properties marked as another form's. Prints a report; with --strict "
        "exits non-zero when a disagreement is not accepted by staff with a reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--strict", action="store_true", help="Exit with status 1 if any disagreement is not confirmed."
        )
        parser.add_argument(
            "--all", action="store_true", dest="show_all", help="List every check, not only the findings."
        )
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="First recompute and store the structure-derived values of compounds whose structure changed "
            "without a save (e.g. bulk SQL updates).",
        )

    def handle(self, *args, strict: bool, show_all: bool, refresh: bool, verbosity: int, **options) -> None:
        self.read_names(verbosity)
        compounds = Compound.objects.prefetch_related("related_to__compound", "related_forms__related").order_by(
            "catalog_number"
        )
        total = Compound.objects.count()
        counts = {status: 0 for status in checks.Status}
        pending_compounds = 0
        confirmed_total = 0
        for index, compound in enumerate(compounds.iterator(chunk_size=500), start=1):
            if refresh and compound.refresh_structure():
                compound.save()
            results = compound.full_check()
            for result in results:
                counts[result.status] += 1
            pending = checks.unconfirmed(compound, results)
            confirmed = [r for r in checks.disagreements(results) if r not in pending]
            confirmed_total += len(confirmed)
            pending_compounds += bool(pending)
            findings = [r for r in results if r.status in {checks.Status.DISAGREE, checks.Status.FLAGGED}]
            shown = results if show_all else findings
            if shown and verbosity:
                self.stdout.write(f"{compound.catalog_number}  {compound.name}")
                for result in shown:
                    self.stdout.write("    " + self.describe(result, accepted=result in confirmed))
                if confirmed:
                    self.stdout.write(f"    accepted by staff because: {compound.disagreement_reason}")
            if verbosity > 1 and index % 1000 == 0:
                self.stderr.write(f"checked {index:,} of {total:,} compounds")
        summary = (
            f"Checked {total:,} compounds: {counts[checks.Status.AGREE]:,} checks agree, "
            f"{counts[checks.Status.DISAGREE]:,} disagree ({confirmed_total:,} of them accepted with a reason), "
            f"{counts[checks.Status.FLAGGED]:,} flagged as another form's data, "
            f"{counts[checks.Status.NOT_CHECKED]:,} not checked. "
            f"{pending_compounds:,} compounds have disagreements nobody has accepted."
        )
        style = self.style.ERROR if pending_compounds else self.style.SUCCESS
        self.stdout.write(style(summary))
        if strict and pending_compounds:
            raise CommandError(f"{pending_compounds} compounds disagree with their structure.", returncode=1)

    def read_names(self, verbosity: int) -> None:
        """Have OPSIN read every IUPAC name that changed since it was last read, 500 names per JVM."""
        stale = Compound.objects.exclude(iupac_name="").exclude(iupac_name=F("name_inchi_of")).order_by("pk")
        ids = list(stale.values_list("pk", flat=True))
        try:
            for start in range(0, len(ids), 500):
                read_iupac_names(list(Compound.objects.filter(pk__in=ids[start : start + 500])))
        except NameReaderUnavailable as error:
            self.stderr.write(f"IUPAC names not read ({error}); the stereo check compares descriptor sets.")
            return
        if ids and verbosity > 1:
            self.stderr.write(f"read {len(ids):,} IUPAC names with OPSIN")

    def describe(self, result: checks.CheckResult, *, accepted: bool) -> str:
        label = result.status_label.upper() + (" (accepted)" if accepted else "")
        text = f"{label:<22} {result.label}: {result.message}"
        if result.entered or result.computed:
            text += f" [entered: {result.entered or '—'}; structure: {result.computed or '—'}]"
        if result.disagrees and not accepted:
            return self.style.ERROR(text)
        return self.style.WARNING(text) if result.status == checks.Status.FLAGGED else text
