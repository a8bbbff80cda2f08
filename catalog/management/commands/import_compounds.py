"""Import compounds from an SDF or CSV file: a dry run unless --commit."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importing import (
    SNIFF_BYTES,
    FileError,
    Importer,
    LineReader,
    Outcome,
    check_head,
    file_format,
    read_records,
)
from catalog.validators import NOT_SINGLE_LINE


def printable(text: str) -> str:
    """Text from the file as it may go to a terminal: control characters shown as escapes, not obeyed."""
    return NOT_SINGLE_LINE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class Command(BaseCommand):
    help = (
        "Import compounds from an SDF or CSV file (columns in catalog/IMPORT.md). Computes every structure-derived "
        "identifier with RDKit, creates or updates by catalog number (then by InChIKey), and saves each record "
        "whole or not at all, in its own transaction; bad records are reported with their number and reason and "
        "the rest go on. A dry run by default: it checks every record exactly as --commit would and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="An .sdf or .csv file, UTF-8.")
        parser.add_argument("--commit", action="store_true", help="Write to the catalog (default: dry run).")
        parser.add_argument("--format", choices=["sdf", "csv"], help="Override the format told by the extension.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, file: Path, commit: bool, format: str | None, no_progress: bool, **options) -> None:
        verbosity = options["verbosity"]
        importer = Importer(commit=commit)
        verbs = {"create": "created", "update": "updated", "unchanged": "unchanged"}
        if not commit:
            verbs = {"create": "would create", "update": "would update", "unchanged": "unchanged"}
        started = time.perf_counter()
        problem = ""
        progress = Progress(self.stderr, 1, enabled=False)
        try:
            fmt = file_format(file, format)
            with file.open("rb") as stream:
                check_head(stream.read(SNIFF_BYTES))
                stream.seek(0)
                lines = LineReader(stream)
                size = file.stat().st_size
                progress = Progress(self.stderr, size, enabled=not no_progress and verbosity > 0)
                for outcome in importer.run(read_records(lines, fmt)):
                    self.report(outcome, verbs, verbosity, progress)
                    progress.update(lines.bytes_read, importer.summary.total)
        except (FileError, OSError) as error:  # the file as a whole, or reading it, failed
            problem = str(error)
        finally:  # every file ends in a summary, even when stopped
            progress.finish(importer.summary.total)
            self.summarise(importer, verbs, commit, time.perf_counter() - started, problem)
        if problem:
            raise CommandError(problem)

    def report(self, outcome: Outcome, verbs: dict[str, str], verbosity: int, progress: "Progress") -> None:
        if outcome.action == "error":
            progress.clear()
            number = f" ({printable(outcome.catalog_number)})" if outcome.catalog_number else ""
            self.stdout.write(self.style.ERROR(f"record {outcome.number}{number}: {printable(outcome.message)}"))
        elif verbosity > 1 or (verbosity == 1 and outcome.action != "unchanged"):
            progress.clear()
            self.stdout.write(
                f"record {outcome.number}: {verbs[outcome.action]} {printable(outcome.catalog_number)} "
                f"{printable(outcome.name)}"
            )

    def summarise(self, importer: Importer, verbs: dict[str, str], commit: bool, elapsed: float, problem: str) -> None:
        summary = importer.summary
        text = (
            f"{'Imported' if commit else 'Dry run (nothing written; use --commit)'}: {summary.total:,} records, "
            f"{summary.create:,} {verbs['create']}, {summary.update:,} {verbs['update']}, "
            f"{summary.unchanged:,} unchanged, {summary.error:,} bad, in {elapsed:.1f} s."
        )
        if problem:
            text += f" Stopped: {problem}"
        style = self.style.SUCCESS if not (summary.error or problem) else self.style.WARNING
        self.stdout.write(style(text))


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
