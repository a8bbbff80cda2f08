"""Fill the catalog with synthetic compounds for load testing, or remove them again: a dry run unless --commit.

Speed comes from three things: structures are computed by RDKit in a ``multiprocessing`` pool while this
process inserts the previous batch; rows go in with ``bulk_create``, one transaction per batch; and the
deletion issues plain ``DELETE`` statements batch by batch (``catalog.services.delete_compounds_plainly``).

Neither way sends model signals. That is intended, and the command does by hand what the signals would:
it bumps ``CatalogState`` once at the end (so cached list pages refresh) and the revisions of any real
compound that linked to a deleted synthetic one. No history rows are written either, for creation or
deletion (django-simple-history records through signals): a million generated compounds would otherwise
add ten million rows of history that nobody needs. History of synthetic compounds that staff edited in
the admin is kept, like all history.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from functools import partial

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, IntegrityError, reset_queries, router, transaction
from django.db.models import BigIntegerField, Max, Q
from django.db.models.functions import Cast, Substr

from catalog import synthetic
from catalog.models import (
    Compound,
    Description,
    PharmacokineticParameter,
    RelatedForm,
    Synonym,
    TrialRow,
    TrialTable,
)
from catalog.revisions import revisions
from catalog.services import delete_compounds_plainly

MAX_BATCH_SIZE = 10_000  # larger batches only cost memory; 10,000 IN-list parameters suit SQLite too
# Per compound: 1 synonym, 1 description, 3 pharmacokinetic rows, 1 trial table with 2–3 rows.
CHILDREN = "a synonym, the description, 3 pharmacokinetic rows and a trial table with 2–3 rows"


class Command(BaseCommand):
    help = (
        "Add N synthetic compounds for load testing (is_synthetic, named SYN-000123, numbering continued after "
        "the highest SYN number), with RDKit-valid distinct structures, every structure-derived identifier "
        "computed by RDKit, and full page content marked as synthetic placeholders; or, with --delete, remove "
        "every synthetic compound and its rows. A dry run by default: nothing is written without --commit. "
        "Writes no history rows and sends no model signals (see the module docstring)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, help="How many synthetic compounds to add.")
        parser.add_argument("--delete", action="store_true", help="Remove every synthetic compound instead.")
        parser.add_argument("--commit", action="store_true", help="Write to the database (default: dry run).")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help=f"Compounds per insert transaction (and per delete batch), 1 to {MAX_BATCH_SIZE:,}; default 1,000.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes computing structures, 1 to the number of CPUs; 1 computes in this process. Default 2.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help="Chooses which structure each number gets and the placeholder numbers; keep it the same across "
            "runs that add to one catalog, or structures may repeat. Default 0.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress on stderr.")

    def handle(
        self,
        *args,
        count: int | None,
        delete: bool,
        commit: bool,
        batch_size: int,
        workers: int,
        seed: int,
        no_progress: bool,
        verbosity: int,
        **options,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise CommandError(f"--batch-size must be from 1 to {MAX_BATCH_SIZE:,}; got {batch_size:,}.")
        progress = Progress(self.stderr, enabled=verbosity > 0 and not no_progress)
        if delete:
            if count is not None:
                raise CommandError("Give either --count N (to add) or --delete (to remove), not both.")
            self.delete(commit=commit, batch_size=batch_size, progress=progress)
            return
        if count is None:
            raise CommandError("Give --count N (how many synthetic compounds to add), or --delete.")
        if count < 1:
            raise CommandError(f"--count must be at least 1; got {count:,}.")
        cpus = os.cpu_count() or 1
        if not 1 <= workers <= cpus:
            raise CommandError(f"--workers must be from 1 to {cpus} (the number of CPUs); got {workers}.")
        if seed < 0:
            raise CommandError(f"--seed must be zero or positive; got {seed}.")

        first = highest_synthetic_number() + 1
        last = first + count - 1
        if last > synthetic.CAPACITY:
            room = max(synthetic.CAPACITY - first + 1, 0)
            raise CommandError(
                f"There are {synthetic.CAPACITY:,} distinct synthetic structures and numbering would continue at "
                f"{first:,}: room for {room:,} more, not {count:,}. Remove them first with --delete."
            )
        span = f"{synthetic.name_for(first)} to {synthetic.name_for(last)}"
        if not commit:
            example = synthetic.smiles_for(first, seed)
            self.stdout.write(
                f"Dry run (nothing written; use --commit): would add {count:,} synthetic compounds, {span}, each "
                f"with {CHILDREN}, in batches of {batch_size:,} using {workers} worker process(es). "
                f"The first would be {example}."
            )
            return

        started = time.perf_counter()
        progress.start(count, "compounds added")
        created = 0
        try:
            for entries in computed_batches(first, last, batch_size=batch_size, workers=workers, seed=seed):
                try:
                    insert_batch(entries)
                except IntegrityError as error:
                    raise CommandError(
                        f"Could not insert {synthetic.name_for(entries[0]['number'])} onwards: {error}. "
                        "Is a real compound using a SYN-style slug or catalog number?"
                    ) from error
                created += len(entries)
                reset_queries()  # with DEBUG on, Django keeps every query's SQL: megabytes a batch
                progress.update(created)
        finally:
            if created:
                revisions.catalog_changed()  # bulk_create sent no signals; cached list pages must refresh
                revisions.structure_changed()  # search indexes take the new rows (structure_changed_at: now)
            progress.finish(created)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {created:,} synthetic compounds ({span}) in {elapsed:.1f} s, "
                f"{created / max(elapsed, 1e-9):,.0f} compounds/s."
            )
        )

    def delete(self, *, commit: bool, batch_size: int, progress: Progress) -> None:
        synthetic_compounds = Compound.objects.filter(is_synthetic=True)
        total = synthetic_compounds.count()
        if not commit:
            self.stdout.write(
                f"Dry run (nothing written; use --commit): would remove {total:,} synthetic compounds and their rows."
            )
            return
        started = time.perf_counter()
        using = router.db_for_write(Compound)
        progress.start(total, "synthetic compounds removed")
        removed = 0
        try:
            with transaction.atomic(using=using):
                unlink_real_compounds()
            last_pk = 0
            while True:
                ids = list(
                    synthetic_compounds.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size]
                )
                if not ids:
                    break
                with transaction.atomic(using=using):
                    removed += delete_compounds_plainly(ids)
                    # Logged for the search indexes, and announced: servers stop trusting what they remember.
                    revisions.structures_removed(ids)
                last_pk = ids[-1]
                progress.update(removed)
        except DatabaseError as error:
            raise CommandError(f"Removal stopped after {removed:,} compounds: {error}") from error
        finally:
            if removed:
                revisions.catalog_changed()
            progress.finish(removed)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Removed {removed:,} synthetic compounds in {elapsed:.1f} s."))


def highest_synthetic_number() -> int:
    """The highest number among SYN123456-style catalog numbers (synthetic or not: they would clash), or 0."""
    numbered = Compound.objects.filter(catalog_number__regex=r"^SYN[0-9]+$")
    result = numbered.aggregate(highest=Max(Cast(Substr("catalog_number", 4), BigIntegerField())))
    return result["highest"] or 0


def computed_batches(first: int, last: int, *, batch_size: int, workers: int, seed: int) -> Iterator[list[dict]]:
    """Batches of computed entries in number order; with workers > 1, computed ahead in a process pool."""
    ranges = ((start, min(start + batch_size, last + 1)) for start in range(first, last + 1, batch_size))
    build = partial(synthetic.build_entries, seed=seed)
    if workers == 1:
        yield from map(build, ranges)
        return
    # fork is cheap (RDKit is already imported) and the workers touch no database connection; the
    # worker function is importable on its own, so spawn works where fork is not available.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        # A bounded window of batches in flight: the pool stays busy while this process inserts, and
        # memory stays flat however slow the database is.
        pending = deque(pool.apply_async(build, (r,)) for _, r in zip(range(2 * workers), ranges, strict=False))
        while pending:
            entries = pending.popleft().get()
            following = next(ranges, None)
            if following is not None:
                pending.append(pool.apply_async(build, (following,)))
            yield entries


def insert_batch(entries: list[dict]) -> None:
    """One transaction: the compounds, then their rows (bulk_create fills in the new primary keys)."""
    compounds = []
    for entry in entries:
        number, structure = entry["number"], entry["structure"]
        compounds.append(
            Compound(
                name=synthetic.name_for(number),
                slug=synthetic.slug_for(number),
                catalog_number=synthetic.catalog_number_for(number),
                is_synthetic=True,
                isomeric_smiles=entry["smiles"],
                # The entered identifiers are the computed ones, so every check against the structure agrees.
                canonical_smiles=structure["computed_canonical_smiles"],
                molecular_formula=structure["computed_formula"],
                molecular_weight=structure["computed_molecular_weight"],
                inchi=structure["computed_inchi"],
                inchikey=structure["computed_inchikey"],
                pharmacokinetics_intro=synthetic.PK_INTRO,
                **structure,
            )
        )
    with transaction.atomic():
        Compound.objects.bulk_create(compounds)
        synonyms, descriptions, parameters, tables = [], [], [], []
        for compound, entry in zip(compounds, entries, strict=True):
            synonyms.append(Synonym(compound=compound, name=f"Synthetic compound {entry['number']:06d}"))
            descriptions.append(
                Description(compound=compound, text=synthetic.DESCRIPTION, source=synthetic.DESCRIPTION_SOURCE)
            )
            parameters.extend(
                PharmacokineticParameter(compound=compound, label=label, value=value, position=i)
                for i, (label, value) in enumerate(entry["pk"])
            )
            tables.append(
                TrialTable(
                    compound=compound,
                    heading=synthetic.TRIAL_HEADING,
                    caption=synthetic.TRIAL_CAPTION,
                    notes=synthetic.TRIAL_NOTES,
                )
            )
        Synonym.objects.bulk_create(synonyms)
        Description.objects.bulk_create(descriptions)
        PharmacokineticParameter.objects.bulk_create(parameters)
        TrialTable.objects.bulk_create(tables)
        TrialRow.objects.bulk_create(
            TrialRow(table=table, position=i, **row)
            for table, entry in zip(tables, entries, strict=True)
            for i, row in enumerate(entry["rows"])
        )


def unlink_real_compounds() -> None:
    """Bump the real pages that show a synthetic compound, and let real compounds stop borrowing from one.

    The links themselves go with the synthetic compounds (``delete_compounds_plainly``).
    """
    links = RelatedForm.objects.filter(Q(compound__is_synthetic=True) | Q(related__is_synthetic=True))
    real_pages = {
        pk
        for pair in links.values_list("compound_id", "related_id", "compound__is_synthetic", "related__is_synthetic")
        for pk, is_synthetic in ((pair[0], pair[2]), (pair[1], pair[3]))
        if not is_synthetic
    }
    borrowers = Compound.objects.filter(melting_point_form__is_synthetic=True)
    real_pages |= set(borrowers.filter(is_synthetic=False).values_list("pk", flat=True))
    borrowers.update(melting_point_form=None)
    revisions.bump(real_pages)


class Progress:
    """Progress on stderr: a line redrawn in place on a terminal; otherwise a line per 5% or per 30 s."""

    def __init__(self, stream, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and stream.isatty()

    def start(self, total: int, what: str) -> None:
        self.total, self.what = max(total, 1), what
        self.started = self.last_line = time.monotonic()
        self.last_step = 0

    def _line(self, done: int) -> str:
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = f", about {(self.total - done) / rate:,.0f} s to go" if rate and done < self.total else ""
        return f"{done:,} of {self.total:,} {self.what} ({done / self.total:.0%}), {rate:,.0f}/s{eta}"

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        step = int(done / self.total * 20)
        if self.tty:
            if now - self.last_line >= 0.2:
                self.stream.write("\r" + self._line(done).ljust(90), ending="")
                self.stream.flush()
                self.last_line = now
        elif step > self.last_step or now - self.last_line >= 30:
            self.stream.write(self._line(done))
            self.last_step, self.last_line = step, now

    def finish(self, done: int) -> None:
        if self.enabled and self.tty:
            self.stream.write("\r" + self._line(done).ljust(90))
