"""Export the catalog to SDF or CSV, in the columns import_compounds reads back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.exporting import export_compounds, iter_sdf, write_csv
from catalog.models import Compound

# Compounds read per query: each is written before the next chunk is read, so memory stays flat
# whatever the catalog's size (a server-side cursor on PostgreSQL, fetchmany on SQLite).
CHUNK_SIZE = 500


class Command(BaseCommand):
    help = (
        "Export every compound to SDF or CSV (columns in catalog/IMPORT.md); the file imports back with "
        "import_compounds without change. Compounds without a structure that can be written are left out of an "
        "SDF and named on stderr. CSV cells that a spreadsheet would run as formulas are prefixed with an "
        "apostrophe, which import_compounds takes off again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["sdf", "csv"], help="Default: told by the output's extension.")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, format: str | None, output: Path | None, **options) -> None:
        fmt = format or (output.suffix.lower().lstrip(".") if output else "")
        fmt = "sdf" if fmt == "sd" else fmt
        if fmt not in {"sdf", "csv"}:
            raise CommandError("Give --format sdf or csv (or an output file ending in .sdf or .csv).")
        compounds = export_compounds(chunk_size=CHUNK_SIZE)
        try:
            stream = output.open("w", encoding="utf-8", newline="") if output else self.stdout
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        skipped = 0

        def skip(compound: Compound, reason: str) -> None:
            nonlocal skipped
            skipped += 1
            self.stderr.write(f"Left out {compound.catalog_number}: {reason}")

        try:
            if fmt == "csv":
                count = write_csv(compounds, stream)
            else:
                count = 0
                for record in iter_sdf(compounds, skipped=skip):
                    stream.write(record, ending="") if stream is self.stdout else stream.write(record)
                    count += 1
        finally:
            if output:
                stream.close()
        left_out = f" ({skipped:,} left out)" if skipped else ""
        if output:
            self.stderr.write(f"Exported {count:,} compounds to {output}{left_out}.")
        elif options["verbosity"] > 1 or skipped:
            self.stderr.write(f"Exported {count:,} compounds{left_out}.")
