"""The catalog's domain: a compound and everything its page shows, as structured rows.

Every fact on a vendor's compound page has a field or a child table here; nothing is stored as an
HTML blob. Child rows carry an explicit ``position`` so staff can reorder them in the admin.
"""

from decimal import Decimal

from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .chemistry import StructureError, analyse_smiles, structure_hash, structure_source
from .depiction import DEPICTION_VERSION, draw_svg
from .selectors import CompoundQuerySet
from .validators import (
    validate_cas_number,
    validate_inchikey,
    validate_molecular_formula,
    validate_positive,
    validate_single_line,
    validate_text,
)

DEFAULT_RESEARCH_USE_NOTICE = "For research use only. Not for human or veterinary use."


class Compound(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the page address.")
    catalog_number = models.CharField(
        "catalog number",
        max_length=40,
        unique=True,
        validators=[validate_single_line],
        help_text="Our own catalog number, e.g. VC0006221.",
    )
    cas_number = models.CharField(
        "CAS number",
        max_length=20,
        blank=True,
        validators=[validate_cas_number, validate_single_line],
        help_text="CAS Registry Number of exactly this form (free base or salt), e.g. 96847-55-1.",
    )
    molecular_formula = models.CharField(
        max_length=100,
        validators=[validate_molecular_formula, validate_single_line],
        help_text="Hill order, e.g. C15H22N2O.",
    )
    molecular_weight = models.DecimalField(
        "molecular weight (g/mol)",
        max_digits=12,
        decimal_places=4,
        validators=[validate_positive],
    )
    iupac_name = models.TextField("IUPAC name", blank=True, validators=[validate_single_line])
    inchi = models.TextField("standard InChI", blank=True, validators=[validate_single_line])
    inchikey = models.CharField(
        "standard InChIKey",
        max_length=27,
        blank=True,
        db_index=True,
        validators=[validate_inchikey, validate_single_line],
    )
    isomeric_smiles = models.TextField("isomeric SMILES", blank=True, validators=[validate_single_line])
    smiles = models.TextField("SMILES", blank=True, validators=[validate_single_line])
    canonical_smiles = models.TextField("canonical SMILES", blank=True, validators=[validate_single_line])
    melting_point_celsius = models.DecimalField(
        "melting point (°C)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    # The number above stays as the source gives it; these mark it when it was measured on another
    # form (e.g. the hydrochloride's melting point on the free base's page), so the page can say so.
    melting_point_form = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="melting point measured on",
        help_text="Set when the melting point belongs to another form (e.g. a salt), not to this compound.",
    )
    melting_point_note = models.CharField(
        "melting point note",
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text='Where the melting point comes from or which form it is for, e.g. "reported for the hydrochloride".',
    )
    research_use_notice = models.TextField(default=DEFAULT_RESEARCH_USE_NOTICE, validators=[validate_text])

    # Computed by RDKit on save from the structure (isomeric SMILES, else SMILES); never typed in.
    # structure_hash fingerprints what they (and the stored depiction) were computed from, so a save
    # that does not touch the structure costs nothing and the page never draws on a request.
    structure_hash = models.CharField(max_length=64, blank=True, editable=False)
    structure_error = models.TextField(blank=True, editable=False)
    structure_svg = models.TextField("structure depiction (SVG)", blank=True, editable=False)
    computed_canonical_smiles = models.TextField("computed canonical SMILES", blank=True, editable=False)
    computed_flat_smiles = models.TextField("computed canonical SMILES without stereo", blank=True, editable=False)
    computed_inchi = models.TextField("computed standard InChI", blank=True, editable=False)
    computed_inchikey = models.CharField(
        "computed standard InChIKey", max_length=27, blank=True, editable=False, db_index=True
    )
    computed_formula = models.CharField("computed molecular formula", max_length=100, blank=True, editable=False)
    computed_molecular_weight = models.DecimalField(
        "computed average MW (g/mol, RDKit)", max_digits=12, decimal_places=4, null=True, blank=True, editable=False
    )
    monoisotopic_mass = models.DecimalField(
        "computed monoisotopic mass (Da)", max_digits=14, decimal_places=6, null=True, blank=True, editable=False
    )
    computed_cip_labels = models.CharField(
        "computed CIP labels", max_length=200, blank=True, editable=False, help_text="R/S of each stereocentre."
    )
    computed_bond_labels = models.CharField("computed E/Z labels", max_length=200, blank=True, editable=False)
    undefined_stereocentres = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    fragment_count = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    parent_formula = models.CharField("parent (free base) formula", max_length=100, blank=True, editable=False)
    parent_molecular_weight = models.DecimalField(
        "parent (free base) MW", max_digits=12, decimal_places=4, null=True, blank=True, editable=False
    )
    parent_inchikey = models.CharField("parent (free base) InChIKey", max_length=27, blank=True, editable=False)

    # What OPSIN reads the IUPAC name as (catalog/naming.py), and which name that was, so the stereo
    # check compares the name's configuration atom by atom. "" when OPSIN could not read the name.
    name_inchi = models.TextField("standard InChI read from the IUPAC name", blank=True, editable=False)
    name_inchi_of = models.TextField("IUPAC name that was read", blank=True, editable=False)

    # Staff may accept entered values that disagree with the structure, but only with a reason
    # (kept here and so in the history). confirmed_disagreements lists the signatures of the
    # disagreements the reason covers; a new disagreement needs a new confirmation.
    disagreement_reason = models.TextField(
        "reason for accepting disagreements",
        blank=True,
        validators=[validate_single_line],
        help_text="Why the entered values may differ from what the structure gives.",
    )
    confirmed_disagreements = models.TextField(blank=True, editable=False)

    # Pharmacology: the mechanism paragraph and the text framing the pharmacokinetic rows.
    mechanism_of_action = models.TextField(blank=True, validators=[validate_text])
    pharmacokinetics_intro = models.TextField(blank=True, validators=[validate_text])
    pharmacokinetics_summary = models.TextField(blank=True, validators=[validate_text])

    revision = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up with every change to the compound or anything its page shows (see catalog/signals.py).",
    )
    is_synthetic = models.BooleanField(default=False, help_text="Generated for load testing; not a real compound.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The depiction is derived data; keeping a copy in every history row would only bloat the table.
    history = HistoricalRecords(excluded_fields=["structure_svg"])
    objects = CompoundQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(molecular_weight__gt=0),
                name="compound_mw_positive",
                violation_error_message="The molecular weight must be greater than zero.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="compound_name_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="compound_slug_not_empty"),
            models.CheckConstraint(condition=~Q(catalog_number=""), name="compound_catalog_number_not_empty"),
        ]
        indexes = [
            models.Index(fields=["cas_number"]),
            models.Index(fields=["molecular_formula"]),
            # The list's (name, id) order and its keyset seeks; the home page's real compounds by name.
            models.Index(fields=["name", "id"], name="compound_name_id"),
            models.Index(fields=["is_synthetic", "name", "id"], name="compound_synthetic_name_id"),
        ]
        # Search indexes that differ per database (trigram on PostgreSQL, NOCASE on SQLite) are
        # created in migration 0004_search_indexes.

    def __str__(self) -> str:
        return f"{self.name} ({self.catalog_number})"

    def save(self, *args, **kwargs) -> None:
        if self.refresh_structure() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.STRUCTURE_FIELDS}
        with transaction.atomic():
            if not self._state.adding:
                # The next revision, read under a row lock so two concurrent saves cannot share one
                # (on SQLite the IMMEDIATE transaction already holds the write lock).
                current = type(self).objects.select_for_update().filter(pk=self.pk).values_list("revision", flat=True)
                if current:
                    self.revision = current[0] + 1
                    if kwargs.get("update_fields") is not None:
                        kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:compound-detail", kwargs={"slug": self.slug})

    @property
    def molecular_weight_display(self) -> str:
        """The MW as entered, without the padding zeros the decimal column adds (246.35, not 246.3500)."""
        if self.molecular_weight is None:
            return ""
        return format(Decimal(self.molecular_weight).normalize(), "f")

    @property
    def melting_point_display(self) -> str:
        if self.melting_point_celsius is None:
            return ""
        return f"{format(Decimal(self.melting_point_celsius).normalize(), 'f')} °C"

    # -- structure -------------------------------------------------------------------------------

    STRUCTURE_FIELDS = (
        "structure_hash",
        "structure_error",
        "structure_svg",
        "computed_canonical_smiles",
        "computed_flat_smiles",
        "computed_inchi",
        "computed_inchikey",
        "computed_formula",
        "computed_molecular_weight",
        "monoisotopic_mass",
        "computed_cip_labels",
        "computed_bond_labels",
        "undefined_stereocentres",
        "fragment_count",
        "parent_formula",
        "parent_molecular_weight",
        "parent_inchikey",
    )

    @property
    def structure_smiles(self) -> str:
        """The structure's source of truth: the isomeric SMILES, else the plain SMILES."""
        return structure_source(isomeric_smiles=self.isomeric_smiles, smiles=self.smiles)

    @property
    def has_structure(self) -> bool:
        return bool(self.structure_smiles) and not self.structure_error

    def current_structure_hash(self) -> str:
        # Name and slug are in it because the depiction's title and element ids use them.
        return structure_hash(DEPICTION_VERSION, self.structure_smiles, self.name, self.slug)

    def refresh_structure(self, *, force: bool = False) -> bool:
        """Recompute the structure-derived fields and the depiction if the structure changed.

        Returns whether anything was recomputed. A structure RDKit cannot parse clears them and
        records why in ``structure_error``.
        """
        digest = self.current_structure_hash()
        if digest == self.structure_hash and not force:
            return False
        for field in self.STRUCTURE_FIELDS:
            setattr(self, field, None if self._meta.get_field(field).null else "")
        self.structure_hash = digest
        source = self.structure_smiles
        if not source:
            return True
        try:
            analysis = analyse_smiles(source)
        except StructureError as error:
            self.structure_error = str(error)
            return True
        ids = analysis.identifiers
        self.computed_canonical_smiles = ids.canonical_smiles
        self.computed_flat_smiles = analysis.flat_canonical_smiles
        self.computed_inchi = ids.inchi
        self.computed_inchikey = ids.inchikey
        self.computed_formula = ids.molecular_formula
        self.computed_molecular_weight = ids.molecular_weight
        self.monoisotopic_mass = ids.monoisotopic_mass
        self.computed_cip_labels = ",".join(analysis.cip_labels)
        self.computed_bond_labels = ",".join(analysis.bond_labels)
        self.undefined_stereocentres = analysis.undefined_stereocentres
        self.fragment_count = analysis.fragment_count
        if analysis.parent is not None:
            self.parent_formula = analysis.parent.molecular_formula
            self.parent_molecular_weight = analysis.parent.molecular_weight
            self.parent_inchikey = analysis.parent.inchikey
        components = (
            f"; all {analysis.fragment_count} components of the salt are drawn" if analysis.fragment_count > 1 else ""
        )
        self.structure_svg = draw_svg(
            source,
            title=f"Structure of {self.name}",
            description=f"2D structure of {self.name}, {ids.molecular_formula}{components}.",
            id_prefix=f"structure-{self.slug or 'new'}",
        )
        return True

    @property
    def depiction(self) -> str:
        """The stored SVG when it is current; otherwise drawn once per structure and cached by its hash.

        Rows written without ``save()`` (bulk updates, raw SQL) can hold a stale depiction; the cache
        keeps the page from drawing on every request until the next save stores a fresh one.
        """
        if not self.structure_smiles:
            return ""
        digest = self.current_structure_hash()
        if digest == self.structure_hash:
            return self.structure_svg
        from django.core.cache import cache

        def draw() -> str:
            copy = Compound(name=self.name, slug=self.slug, isomeric_smiles=self.isomeric_smiles, smiles=self.smiles)
            copy.refresh_structure(force=True)
            return copy.structure_svg

        # A day, not forever: a million synthetic compounds drawn this way would otherwise pin
        # gigabytes in Redis; the page itself is cached anyway.
        return cache.get_or_set(f"catalog:structure-svg:{digest}", draw, timeout=60 * 60 * 24)

    @property
    def identifier_checks(self):
        """Every check of the entered data against the structure (see catalog/checks.py), memoised."""
        if not hasattr(self, "_identifier_checks"):
            from .checks import check_compound

            self._identifier_checks = check_compound(self)
        return self._identifier_checks


class Synonym(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(max_length=300, validators=[validate_single_line])
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="synonym_unique_per_compound"),
            models.CheckConstraint(condition=~Q(name=""), name="synonym_not_empty"),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Description(models.Model):
    """One descriptive paragraph, with what kind of text it is and where it comes from."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", "Summary"
        PHARMACOLOGIC_CLASS = "pharmacologic_class", "Pharmacologic class"
        DEFINITION = "definition", "Definition"
        OTHER = "other", "Other"

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="descriptions")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.SUMMARY)
    source = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], help_text="Where the text comes from, if known."
    )
    text = models.TextField(validators=[validate_text])
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="description_not_empty")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class RelatedForm(models.Model):
    """A directed link between two compounds; the page of each shows it (the target's with the inverse)."""

    class Relation(models.TextChoices):
        SALT_FORM = "salt_form", "has salt form"
        ENANTIOMER = "enantiomer", "has enantiomer"
        ACTIVE_METABOLITE = "active_metabolite", "has active metabolite"

    INVERSE_LABELS = {
        Relation.SALT_FORM: "is a salt form of",
        Relation.ENANTIOMER: "is an enantiomer of",
        Relation.ACTIVE_METABOLITE: "is an active metabolite of",
    }

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="related_forms")
    related = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="related_to")
    relation = models.CharField(max_length=30, choices=Relation.choices)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "related", "relation"], name="related_form_unique"),
            models.CheckConstraint(
                condition=~Q(compound=models.F("related")),
                name="related_form_not_self",
                violation_error_message="A compound cannot be a related form of itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound.name} {self.get_relation_display()} {self.related.name}"

    @property
    def inverse_label(self) -> str:
        return self.INVERSE_LABELS[self.Relation(self.relation)]


class PharmacokineticParameter(models.Model):
    """One row of the pharmacokinetics list, e.g. label "Absorption" with its text."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="pk_parameters")
    label = models.CharField(max_length=100, validators=[validate_single_line])
    value = models.TextField(validators=[validate_text])
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "pharmacokinetic parameter"
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="pk_label_not_empty"),
            models.CheckConstraint(condition=~Q(value=""), name="pk_value_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


class TrialTable(models.Model):
    """A clinical-trial results table with the text around it (heading, intro, definition, notes)."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="trial_tables")
    heading = models.CharField(
        max_length=200, validators=[validate_single_line], help_text='e.g. "Clinical Efficacy in Fibromyalgia".'
    )
    subheading = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    intro = models.TextField(blank=True, validators=[validate_text])
    caption = models.CharField(max_length=300, validators=[validate_single_line])
    responder_definition = models.TextField(
        blank=True, validators=[validate_text], help_text="What counts as a responder in this table's percentages."
    )
    notes = models.TextField(blank=True, validators=[validate_text])
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(caption=""), name="trial_table_caption_not_empty")]

    def __str__(self) -> str:
        return self.caption


class TrialRow(models.Model):
    """One study arm. Numbers are numbers; the p-value keeps its relation (``<0.001`` vs ``=0.01``)."""

    class PRelation(models.TextChoices):
        EQUAL = "=", "="
        LESS = "<", "<"
        LESS_EQUAL = "≤", "≤"

    table = models.ForeignKey(TrialTable, on_delete=models.CASCADE, related_name="rows")
    study = models.CharField(max_length=200, validators=[validate_single_line])
    dose_mg_per_day = models.DecimalField("dose (mg/day)", max_digits=10, decimal_places=3)
    responders_percent = models.DecimalField("composite responders (%)", max_digits=6, decimal_places=2)
    placebo_percent = models.DecimalField("placebo (%)", max_digits=6, decimal_places=2)
    p_value_relation = models.CharField("p-value relation", max_length=1, choices=PRelation.choices, default="=")
    p_value = models.DecimalField(max_digits=8, decimal_places=6)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_mg_per_day__gt=0),
                name="trial_row_dose_positive",
                violation_error_message="The dose must be greater than zero.",
            ),
            models.CheckConstraint(
                condition=Q(responders_percent__gte=0, responders_percent__lte=100),
                name="trial_row_responders_pct",
                violation_error_message="Composite responders must be a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(placebo_percent__gte=0, placebo_percent__lte=100),
                name="trial_row_placebo_pct",
                violation_error_message="Placebo responders must be a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(p_value__gte=0, p_value__lte=1),
                name="trial_row_p_value_range",
                violation_error_message="A p-value lies between 0 and 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study}, {self.dose_display} mg/day"

    @staticmethod
    def _plain(value: Decimal) -> str:
        return format(Decimal(value).normalize(), "f")

    @property
    def dose_display(self) -> str:
        return self._plain(self.dose_mg_per_day)

    @property
    def responders_display(self) -> str:
        return self._plain(self.responders_percent)

    @property
    def placebo_display(self) -> str:
        return self._plain(self.placebo_percent)

    @property
    def p_value_display(self) -> str:
        """``<0.001`` keeps its relation; an exact value is shown bare (``0.01``), as journals print it."""
        prefix = "" if self.p_value_relation == self.PRelation.EQUAL else self.p_value_relation
        return f"{prefix}{self._plain(self.p_value)}"


class Section(models.Model):
    """A further titled section of free text (e.g. "Symptom-Specific Improvements")."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    body = models.TextField(
        blank=True, validators=[validate_text], help_text="Blank when the source gives only the heading."
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="section_title_not_empty")]

    def __str__(self) -> str:
        return self.title


class Reference(models.Model):
    """A citation the page's text points to, numbered in the order it is listed."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="references")
    citation = models.TextField(validators=[validate_text])
    url = models.URLField(blank=True, validators=[validate_single_line])
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(citation=""), name="reference_not_empty")]

    def __str__(self) -> str:
        return self.citation[:80]


class CatalogState(models.Model):
    """A single row whose revision goes up whenever any compound changes: the list page's cache key.

    It lives in the database because that is what every app server shares; a counter in a
    per-process cache would let one server keep serving a list another has changed.
    """

    revision = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"catalog revision {self.revision}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("revision", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        from .page_freshness import catalog_changed

        if not cls.objects.filter(pk=1).update(revision=F("revision") + 1):
            cls.objects.get_or_create(pk=1, defaults={"revision": 1})
        catalog_changed()


def read_iupac_names(compounds: list[Compound]) -> list[Compound]:
    """Read each compound's IUPAC name with OPSIN (one JVM for all) where it changed; save those fields.

    Returns the compounds it updated. Raises naming.NameReaderUnavailable without Java or the jar.
    """
    from .naming import inchis_from_names

    stale = [c for c in compounds if c.iupac_name and c.iupac_name != c.name_inchi_of]
    for compound, inchi in zip(stale, inchis_from_names([c.iupac_name for c in stale]), strict=True):
        compound.name_inchi, compound.name_inchi_of = inchi, compound.iupac_name
        # A plain UPDATE: bookkeeping, not an edit (no history row, no new revision of its own).
        Compound.objects.filter(pk=compound.pk).update(name_inchi=inchi, name_inchi_of=compound.iupac_name)
    if stale:
        from .signals import bump_revisions

        bump_revisions(c.pk for c in stale)  # the page shows the stereo check
    return stale
