"""Import compounds from an SDF or CSV file: a dry run unless --commit."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importing import CountingLines, Importer, RecordError, file_format, read_records


class Command(BaseCommand):
    help = (
        "Import compounds from an SDF or CSV file (columns in catalog/IMPORT.md). Computes every structure-derived "
        "identifier with RDKit, creates or updates by catalog number (then by InChIKey), and saves each record "
        "whole or not at all; bad records are reported with their number and reason and the rest go on. "
        "A dry run by default: nothing is written without --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="An .sdf or .csv file.")
        parser.add_argument("--commit", action="store_true", help="Write to the catalog (default: dry run).")
        parser.add_argument("--format", choices=["sdf", "csv"], help="Override the format told by the extension.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, file: Path, commit: bool, format: str | None, no_progress: bool, **options) -> None:
        verbosity = options["verbosity"]
        try:
            fmt = file_format(file, format)
            size = file.stat().st_size
            stream = file.open(encoding="utf-8-sig", newline="" if fmt == "csv" else None)
        except (RecordError, OSError) as error:
            raise CommandError(str(error)) from error

        importer = Importer(commit=commit)
        verb = {"create": "created", "update": "updated", "unchanged": "unchanged"}
        if not commit:
            verb = {"create": "would create", "update": "would update", "unchanged": "unchanged"}
        progress = Progress(self.stderr, size, enabled=not no_progress and verbosity > 0)
        started = time.perf_counter()
        with stream:
            lines = CountingLines(stream)
            try:
                for outcome in importer.run(read_records(lines, fmt)):
                    if outcome.action == "error":
                        progress.clear()
                        self.stdout.write(
                            self.style.ERROR(
                                f"record {outcome.number}"
                                + (f" ({outcome.catalog_number})" if outcome.catalog_number else "")
                                + f": {outcome.message}"
                            )
                        )
                    elif verbosity > 1 or (verbosity == 1 and outcome.action != "unchanged"):
                        progress.clear()
                        self.stdout.write(
                            f"record {outcome.number}: {verb[outcome.action]} {outcome.catalog_number} {outcome.name}"
                        )
                    progress.update(lines.bytes_read, importer.summary.total)
            except RecordError as error:  # the file as a whole is unreadable (e.g. no header)
                raise CommandError(str(error)) from error
        progress.finish(importer.summary.total)
        elapsed = time.perf_counter() - started
        summary = importer.summary
        self.stdout.write(
            (self.style.SUCCESS if not summary.error else self.style.WARNING)(
                f"{'Imported' if commit else 'Dry run (nothing written; use --commit)'}: {summary.total:,} records, "
                f"{summary.create:,} {verb['create']}, {summary.update:,} {verb['update']}, "
                f"{summary.unchanged:,} unchanged, {summary.error:,} bad, in {elapsed:.1f} s."
            )
        )


class Progress:
    """A one-line progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise."""

    WIDTH = 30

    def __init__(self, stream, total_bytes: int, *, enabled: bool) -> None:
        self.stream, self.total = stream, max(total_bytes, 1)
        self.enabled = enabled
        self.tty = enabled and getattr(stream._out, "isatty", lambda: False)() and stream._out is sys.stderr
        self.last_draw = 0.0
        self.last_decile = -1
        self.drawn = False

    def update(self, done_bytes: int, records: int) -> None:
        if not self.enabled:
            return
        fraction = min(done_bytes / self.total, 1.0)
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.2:
                return
            self.last_draw = now
            filled = int(fraction * self.WIDTH)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {fraction:4.0%}  {records:,} records", ending="")
            self.stream.flush()
            self.drawn = True
        else:
            decile = int(fraction * 10)
            if decile > self.last_decile and records >= 1000:
                self.last_decile = decile
                self.stream.write(f"{fraction:.0%} of the file read, {records:,} records")

    def clear(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\r" + " " * (self.WIDTH + 30) + "\r", ending="")
            self.drawn = False

    def finish(self, records: int) -> None:
        if self.tty and self.drawn:
            self.stream.write(f"\r[{'#' * self.WIDTH}] 100%  {records:,} records")
