"""Import the reference catalog (ChEMBL approved drugs, Huuskonen solubilities): see catalog/reference_catalog.py."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.reference_catalog import (
    FIXTURES,
    Plan,
    ReferenceDataError,
    is_current,
    latest_import,
    plan_import,
    read_reference_data,
    summary_lines,
    write,
)


class Command(BaseCommand):
    help = (
        "Import ChEMBL's approved drugs and Huuskonen's measured solubilities from fixtures/ into the catalog, "
        "merging with the compounds already there (rules: catalog/reference_catalog.py). Records that match a "
        "compound only by skeleton or name are reported, not imported. A dry run by default (--commit writes). "
        "Skips when the data, the rules and the RDKit and pipeline versions are those of the latest import "
        "(--force imports all the same)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commit", action="store_true", help="Write to the database (default: dry run).")
        parser.add_argument("--force", action="store_true", help="Import even if the latest import had this data.")
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=FIXTURES,
            help="Folder with reference_data.json and the two CSV files (default: fixtures/).",
        )

    def handle(self, *args, commit: bool, force: bool, data_dir: Path, verbosity: int, **options) -> None:
        try:
            data = read_reference_data(data_dir)
        except ReferenceDataError as error:
            raise CommandError(str(error)) from error
        if is_current(data) and not force:
            if verbosity:
                latest = latest_import()
                self.stdout.write(
                    f"The reference catalog is up to date (imported {latest.finished_at:%Y-%m-%d %H:%M} UTC from the "
                    "same files, rules and versions): nothing to do. --force imports it again."
                )
            return
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if verbosity:
                self.stderr.write(f"standardised {done:,} of {total:,} ChEMBL structures")

        plan = plan_import(data, progress=progress)
        if verbosity > 1 or (verbosity and not commit):
            for report in plan.reports:
                self.stdout.write(report.line())
        elif verbosity:
            self.stdout.write(f"{len(plan.reports)} records reported for staff: see Reference reports in the admin.")
        written = write(plan, data) if commit else None
        if verbosity:
            self.summarise(plan, commit=commit, written=written is not None, seconds=time.monotonic() - started)

    def summarise(self, plan: Plan, *, commit: bool, written: bool, seconds: float) -> None:
        self.stdout.write("\n".join(f"{count:>6,}  {label}" for label, count in summary_lines(plan.counts)))
        if written:
            self.stdout.write(self.style.SUCCESS(f"Reference catalog imported in {seconds:.1f} s."))
        elif commit:
            self.stdout.write(f"Nothing to change ({seconds:.1f} s): the catalog already holds this import.")
        else:
            self.stdout.write(f"Dry run ({seconds:.1f} s): nothing written. --commit writes it.")
