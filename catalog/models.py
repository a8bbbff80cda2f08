"""The catalog's domain: a compound and everything its page shows, as structured rows.

Every fact on a vendor's compound page has a field or a child table here; nothing is stored as an
HTML blob. Child rows carry an explicit ``position`` so staff can reorder them in the admin.
"""

from decimal import Decimal

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from .checks import CheckResult, CheckSummary, check_compound, summarise
from .chemistry import StructureError, analyse_smiles, structure_field_values, structure_hash, structure_source
from .depiction import DEPICTION_VERSION, PAGE, Canvas, draw_svg
from .formatting import plain_decimal
from .relations import INVERSE_LABELS, Relation
from .selectors import CompoundQuerySet
from .structure_search import fingerprint_of_smiles
from .validators import (
    RESERVED_SLUGS,
    validate_cas_number,
    validate_inchikey,
    validate_molecular_formula,
    validate_positive,
    validate_single_line,
    validate_slug_not_reserved,
    validate_text,
)

DEFAULT_RESEARCH_USE_NOTICE = "For research use only. Not for human or veterinary use."
CHEMBL_REPORT_CARD = "https://www.ebi.ac.uk/chembl/compound_report_card/{}/"
HUUSKONEN_CITATION = "Huuskonen, J. J. Chem. Inf. Comput. Sci. 2000, 40, 773–777"


def _significant(value: Decimal, digits: int = 3) -> str:
    """A positive number to ``digits`` significant figures, written plainly (0.00123, 45.6, 1230)."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(Decimal(value).adjusted() - digits + 1))
    return format(rounded, "f")


class Origin(models.TextChoices):
    """Where a compound's record comes from (what its page says about its facts)."""

    ENTERED = "entered", "Entered by catalog staff"
    CHEMBL = "chembl", "Imported from ChEMBL"
    CHEMBL_PARENT = "chembl_parent", "Parent derived from a ChEMBL salt"


class SolubilityBasis(models.TextChoices):
    """Which structure a measured solubility belongs to."""

    COMPOUND = "compound", "this compound"
    PARENT = "parent", "its parent (free base or acid)"


class Compound(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        max_length=200, unique=True, validators=[validate_slug_not_reserved], help_text="Used in the page address."
    )
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
    # Indexed for structure search's exact mode, which finds a salt by its parent's skeleton.
    parent_inchikey = models.CharField(
        "parent (free base) InChIKey", max_length=27, blank=True, editable=False, db_index=True
    )
    parent_monoisotopic_mass = models.DecimalField(
        "parent (free base) monoisotopic mass (Da)",
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        editable=False,
    )
    # What the structure search index is built from (catalog.structure_search.fingerprint_bytes of the
    # computed canonical SMILES), so that building it parses no molecule; and when the structure (or the
    # name and slug a search result shows) last changed, so that every app server's index can catch up
    # with the rows changed since it last looked (catalog/structure_index.py).
    structure_fingerprint = models.BinaryField(null=True, editable=False)
    structure_changed_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    # Computed properties (chemistry.Properties: definitions there), by RDKit on save, of the parent for a
    # salt and of the structure otherwise. Indexed for the list's filters and sorts, each with id so a
    # keyset page can seek on (value, id).
    clogp = models.DecimalField(
        "cLogP (Crippen)", max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    tpsa = models.DecimalField("TPSA (Å²)", max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    hbd = models.PositiveSmallIntegerField("H-bond donors (Lipinski, NH + OH)", null=True, blank=True, editable=False)
    hba = models.PositiveSmallIntegerField("H-bond acceptors (Lipinski, N + O)", null=True, blank=True, editable=False)
    rotatable_bonds = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    heavy_atoms = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    formal_charge = models.SmallIntegerField(null=True, blank=True, editable=False)
    ro5_violations = models.PositiveSmallIntegerField("rule-of-five violations", null=True, blank=True, editable=False)
    properties_rdkit_version = models.CharField(
        "RDKit version of the computed values", max_length=20, blank=True, editable=False
    )

    # Provenance. ChEMBL's identifier and first approval year (catalog/reference_catalog.py attaches them to
    # a compound with the same structure, or creates the compound); ``provenance`` says where the record
    # came from in a sentence the page shows.
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.ENTERED, editable=False)
    chembl_id = models.CharField(
        "ChEMBL ID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^CHEMBL[0-9]+$", "A ChEMBL ID looks like CHEMBL1234.")],
    )
    first_approval_year = models.PositiveSmallIntegerField(
        "first approval (year)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
        help_text="The year of the first approval as a drug anywhere, as ChEMBL gives it.",
    )
    provenance = models.TextField(blank=True, validators=[validate_single_line])

    # Measured aqueous solubility (Huuskonen 2000), matched by structure by the reference import; never
    # estimated. For a salt it may be its parent's measurement (solubility_basis says which).
    solubility_log_s = models.DecimalField(
        "aqueous solubility, log S (S in mol/L)", max_digits=6, decimal_places=3, null=True, blank=True, editable=False
    )
    solubility_basis = models.CharField(
        "solubility measured on", max_length=10, choices=SolubilityBasis.choices, blank=True, editable=False
    )
    solubility_source = models.CharField(max_length=300, blank=True, editable=False)

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
    history = HistoricalRecords(excluded_fields=["structure_svg", "structure_fingerprint"])
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
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_SLUGS),
                name="compound_slug_not_reserved",
                violation_error_message="This slug is the address of a page of the site; choose another.",
            ),
            models.CheckConstraint(condition=~Q(catalog_number=""), name="compound_catalog_number_not_empty"),
            models.UniqueConstraint(
                fields=["chembl_id"],
                condition=~Q(chembl_id=""),
                name="compound_chembl_id_unique",
                violation_error_message="Another compound already has this ChEMBL ID.",
            ),
            models.CheckConstraint(
                condition=Q(solubility_log_s__isnull=True) | ~Q(solubility_basis=""),
                name="compound_solubility_has_basis",
            ),
        ]
        indexes = [
            models.Index(fields=["cas_number"]),
            models.Index(fields=["molecular_formula"]),
            # The list's (name, id) order and its keyset seeks; the home page's real compounds by name.
            models.Index(fields=["name", "id"], name="compound_name_id"),
            models.Index(fields=["is_synthetic", "name", "id"], name="compound_synthetic_name_id"),
            # The list's filters and sorts over computed properties: (value, id) serves a range filter and
            # a keyset sort on the value; the rule-of-five count is small, so it leads a (name, id) order.
            models.Index(fields=["molecular_weight", "id"], name="compound_mw_id"),
            models.Index(fields=["clogp", "id"], name="compound_clogp_id"),
            models.Index(fields=["tpsa", "id"], name="compound_tpsa_id"),
            models.Index(fields=["hbd", "id"], name="compound_hbd_id"),
            models.Index(fields=["hba", "id"], name="compound_hba_id"),
            models.Index(fields=["ro5_violations", "name", "id"], name="compound_ro5_name_id"),
            models.Index(fields=["first_approval_year", "id"], name="compound_approval_id"),
            # "Has a measured solubility": a few hundred rows among a million, in name order.
            models.Index(
                fields=["name", "id"], condition=Q(solubility_log_s__isnull=False), name="compound_solubility_name_id"
            ),
        ]
        # Search indexes that differ per database (trigram on PostgreSQL, NOCASE on SQLite) are
        # created in migration 0004_search_indexes.

    def __str__(self) -> str:
        return f"{self.name} ({self.catalog_number})"

    def save(self, *args, **kwargs) -> None:
        if self.refresh_structure() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.STRUCTURE_FIELDS, "structure_changed_at"}
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

    @classmethod
    def page_prefetches(cls) -> list[str | Prefetch]:
        """What ``prefetch_related`` needs to load every child table the page shows (for_page)."""
        return [prefetch for child in page_children() for prefetch in child.page_prefetches()]

    @property
    def molecular_weight_display(self) -> str:
        """The MW as entered, without the padding zeros the decimal column adds (246.35, not 246.3500)."""
        if self.molecular_weight is None:
            return ""
        return plain_decimal(self.molecular_weight)

    @property
    def has_pharmacokinetics(self) -> bool:
        return bool(self.pharmacokinetics_intro or self.pharmacokinetics_summary or self.pk_parameters.all())

    @property
    def has_pharmacology(self) -> bool:
        """Whether the page has a pharmacology section (mechanism or pharmacokinetics)."""
        return bool(self.mechanism_of_action) or self.has_pharmacokinetics

    # -- computed properties, provenance and solubility ------------------------------------------------

    @property
    def properties_are_of_parent(self) -> bool:
        """Whether the computed properties describe the parent (a salt's free base), not the whole record."""
        return self.parent_molecular_weight is not None

    @property
    def exact_mass(self) -> Decimal | None:
        """Monoisotopic mass of the structure the properties describe (the parent's for a salt)."""
        return self.parent_monoisotopic_mass if self.properties_are_of_parent else self.monoisotopic_mass

    @property
    def exact_mass_display(self) -> str:
        return plain_decimal(self.exact_mass)

    @property
    def formal_charge_display(self) -> str:
        """The charge with its sign: 0, +1, -2."""
        if self.formal_charge is None:
            return ""
        return f"+{self.formal_charge}" if self.formal_charge > 0 else str(self.formal_charge)

    @property
    def has_properties(self) -> bool:
        return self.clogp is not None

    @property
    def chembl_url(self) -> str:
        return CHEMBL_REPORT_CARD.format(self.chembl_id) if self.chembl_id else ""

    @property
    def has_solubility(self) -> bool:
        return self.solubility_log_s is not None

    @property
    def aqueous_solubility_molar(self) -> Decimal | None:
        """The measured aqueous solubility S in mol/L (10 ** log S), or None when none was measured.

        It is of the structure ``solubility_basis`` names: this compound, or for a salt its parent (free
        base or acid), whose measurement says nothing exact about the salt's own solubility. A requested
        concentration of this compound above it is above what was measured for that structure.
        """
        if self.solubility_log_s is None:
            return None
        return Decimal(10) ** Decimal(self.solubility_log_s)

    @property
    def solubility_molecular_weight(self) -> Decimal | None:
        """The MW that turns the molar solubility into mg/mL: that of the structure that was measured."""
        if self.solubility_basis == SolubilityBasis.PARENT:
            return self.parent_molecular_weight
        return self.computed_molecular_weight or self.molecular_weight

    @property
    def solubility_log_s_display(self) -> str:
        return plain_decimal(self.solubility_log_s)

    @property
    def solubility_molecular_weight_display(self) -> str:
        return plain_decimal(self.solubility_molecular_weight)

    @property
    def solubility_mm_display(self) -> str:
        molar = self.aqueous_solubility_molar
        return _significant(molar * 1000) if molar is not None else ""

    @property
    def solubility_mg_per_ml_display(self) -> str:
        molar, weight = self.aqueous_solubility_molar, self.solubility_molecular_weight
        if molar is None or weight is None:
            return ""
        return _significant(molar * Decimal(weight))  # mol/L × g/mol = g/L = mg/mL

    @property
    def melting_point_display(self) -> str:
        if self.melting_point_celsius is None:
            return ""
        return f"{plain_decimal(self.melting_point_celsius)} °C"

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
        "parent_monoisotopic_mass",
        "clogp",
        "tpsa",
        "hbd",
        "hba",
        "rotatable_bonds",
        "heavy_atoms",
        "formal_charge",
        "ro5_violations",
        "properties_rdkit_version",
        "structure_fingerprint",
    )

    # Set by refresh_structure when it recomputed, read (and cleared) by catalog.revisions once the save is
    # done: the structure search's revision goes up only for such saves.
    structure_changed = False

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
        self.structure_changed_at, self.structure_changed = timezone.now(), True
        source = self.structure_smiles
        if not source:
            return True
        try:
            analysis = analyse_smiles(source)
        except StructureError as error:
            self.structure_error = str(error)
            return True
        for field, value in structure_field_values(analysis).items():
            setattr(self, field, value)
        self.structure_fingerprint = fingerprint_of_smiles(self.computed_canonical_smiles)
        self.structure_svg = self._draw(PAGE, analysis.identifiers.molecular_formula, analysis.fragment_count)
        return True

    def _draw(self, canvas: Canvas, formula: str, fragment_count: int) -> str:
        components = f"; all {fragment_count} components of the salt are drawn" if fragment_count > 1 else ""
        return draw_svg(
            self.structure_smiles,
            title=f"Structure of {self.name}",
            description=f"2D structure of {self.name}, {formula}{components}.",
            id_prefix=f"structure-{'' if canvas == PAGE else 'large-'}{self.slug or 'new'}",
            canvas=canvas,
        )

    @property
    def has_current_drawing(self) -> bool:
        """Whether the stored drawing is of the current structure (rows written without save() may lag)."""
        return bool(self.structure_svg) and self.current_structure_hash() == self.structure_hash

    def draw_structure(self) -> str:
        """The drawing ``refresh_structure`` would store, drawn now and not saved (see catalog/drawings.py)."""
        copy = Compound(name=self.name, slug=self.slug, isomeric_smiles=self.isomeric_smiles, smiles=self.smiles)
        copy.refresh_structure(force=True)
        return copy.structure_svg

    def draw_large_structure(self, canvas: Canvas) -> str:
        """A larger drawing, never stored (see catalog/drawings.py); needs the stored structure fields."""
        return self._draw(canvas, self.computed_formula, self.fragment_count or 1)

    @cached_property
    def identifier_checks(self) -> list[CheckResult]:
        """Every check of the entered data against the structure (see catalog/checks.py)."""
        return check_compound(self)

    @property
    def identifier_check_summary(self) -> CheckSummary:
        """The checks in one sentence, for the public page."""
        return summarise(self.identifier_checks)

    def full_check(self) -> list[CheckResult]:
        """Every check including those that look at the rest of the catalog (the CAS number's other users)."""
        return check_compound(self, cas_others=list(Compound.objects.with_same_cas(self)))


class CompoundChild(models.Model):
    """A row of one of the tables a compound's page shows: the one declaration of what belongs to a page.

    Every concrete subclass is found by ``page_children()``, and everything that must know a page's
    parts reads that list: revisions (an edit to a row gives its compound's page a new revision), the
    page's loader (``CompoundQuerySet.for_page``), history, the demo loader and generate_catalog's
    delete. A test fails when a model with a foreign key to Compound is not a subclass. A new child
    table needs its model here, a migration, an admin inline and its block in the page's template.

    ``owner`` names the foreign key towards the compound: to Compound itself, or to another child
    (a trial row belongs to its table). Rows are ordered by ``position``, which staff set.
    """

    owner = "compound"
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    @classmethod
    def owner_model(cls) -> type[models.Model]:
        return cls._meta.get_field(cls.owner).related_model

    @classmethod
    def compound_path(cls) -> str:
        """The lookup from this model to its compound's id: "compound_id", "table__compound_id"."""
        owner = cls.owner_model()
        if owner is Compound:
            return f"{cls.owner}_id"
        return f"{cls.owner}__{owner.compound_path()}"

    @classmethod
    def page_path(cls) -> str:
        """The relation from Compound to these rows: "synonyms", "trial_tables__rows"."""
        accessor = cls._meta.get_field(cls.owner).remote_field.get_accessor_name()
        owner = cls.owner_model()
        return accessor if owner is Compound else f"{owner.page_path()}__{accessor}"

    @classmethod
    def page_prefetches(cls) -> list[str | Prefetch]:
        """What ``prefetch_related`` needs to load these rows with a page."""
        return [cls.page_path()]

    @classmethod
    def rows_of(cls, compound_ids) -> Q:
        """The filter for these compounds' rows, for ``cls.objects`` or ``cls.history`` alike."""
        return Q(**{f"{cls.compound_path()}__in": compound_ids})

    def page_compound_ids(self) -> set[int]:
        """The compounds whose pages show this row."""
        owner = self.owner_model()
        owner_id = getattr(self, f"{self.owner}_id")
        if owner is Compound:
            return {owner_id}
        return set(owner.objects.filter(pk=owner_id).values_list(owner.compound_path(), flat=True))


def page_children() -> list[type[CompoundChild]]:
    """Every CompoundChild model, each after the one it belongs to (tables before their rows)."""
    found = [m for m in apps.get_app_config("catalog").get_models() if issubclass(m, CompoundChild)]
    return sorted(found, key=lambda model: model.compound_path().count("__"))


class Synonym(CompoundChild):
    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(max_length=300, validators=[validate_single_line])

    class Meta(CompoundChild.Meta):
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="synonym_unique_per_compound"),
            models.CheckConstraint(condition=~Q(name=""), name="synonym_not_empty"),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Description(CompoundChild):
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

    class Meta(CompoundChild.Meta):
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="description_not_empty")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class RelatedForm(CompoundChild):
    """A directed link between two compounds; the page of each shows it (the target's with the inverse)."""

    Relation = Relation
    INVERSE_LABELS = INVERSE_LABELS

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="related_forms")
    related = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="related_to")
    relation = models.CharField(max_length=30, choices=Relation.choices)

    class Meta(CompoundChild.Meta):
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

    # The page shows links either way, each with just these columns of the compound at the other end.
    LINKED_COMPOUND_COLUMNS = ("name", "slug", "molecular_weight", "molecular_formula", "computed_inchikey")

    @classmethod
    def page_prefetches(cls) -> list[str | Prefetch]:
        def links_with(side: str) -> models.QuerySet:
            columns = (f"{side}__{column}" for column in cls.LINKED_COMPOUND_COLUMNS)
            return cls.objects.select_related(side).only("compound", "related", "relation", "position", *columns)

        return [Prefetch("related_forms", links_with("related")), Prefetch("related_to", links_with("compound"))]

    @classmethod
    def rows_of(cls, compound_ids) -> Q:
        return Q(compound_id__in=compound_ids) | Q(related_id__in=compound_ids)

    def page_compound_ids(self) -> set[int]:
        return {self.compound_id, self.related_id}


class PharmacokineticParameter(CompoundChild):
    """One row of the pharmacokinetics list, e.g. label "Absorption" with its text."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="pk_parameters")
    label = models.CharField(max_length=100, validators=[validate_single_line])
    value = models.TextField(validators=[validate_text])

    class Meta(CompoundChild.Meta):
        verbose_name = "pharmacokinetic parameter"
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="pk_label_not_empty"),
            models.CheckConstraint(condition=~Q(value=""), name="pk_value_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


class TrialTable(CompoundChild):
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

    class Meta(CompoundChild.Meta):
        constraints = [models.CheckConstraint(condition=~Q(caption=""), name="trial_table_caption_not_empty")]

    def __str__(self) -> str:
        return self.caption


class TrialRow(CompoundChild):
    """One study arm. Numbers are numbers; the p-value keeps its relation (``<0.001`` vs ``=0.01``)."""

    class PRelation(models.TextChoices):
        EQUAL = "=", "="
        LESS = "<", "<"
        LESS_EQUAL = "≤", "≤"

    owner = "table"
    table = models.ForeignKey(TrialTable, on_delete=models.CASCADE, related_name="rows")
    study = models.CharField(max_length=200, validators=[validate_single_line])
    dose_mg_per_day = models.DecimalField("dose (mg/day)", max_digits=10, decimal_places=3)
    responders_percent = models.DecimalField("composite responders (%)", max_digits=6, decimal_places=2)
    placebo_percent = models.DecimalField("placebo (%)", max_digits=6, decimal_places=2)
    p_value_relation = models.CharField("p-value relation", max_length=1, choices=PRelation.choices, default="=")
    p_value = models.DecimalField(max_digits=8, decimal_places=6)

    class Meta(CompoundChild.Meta):
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

    @property
    def dose_display(self) -> str:
        return plain_decimal(self.dose_mg_per_day)

    @property
    def responders_display(self) -> str:
        return plain_decimal(self.responders_percent)

    @property
    def placebo_display(self) -> str:
        return plain_decimal(self.placebo_percent)

    @property
    def p_value_display(self) -> str:
        """``<0.001`` keeps its relation; an exact value is shown bare (``0.01``), as journals print it."""
        prefix = "" if self.p_value_relation == self.PRelation.EQUAL else self.p_value_relation
        return f"{prefix}{plain_decimal(self.p_value)}"


class Section(CompoundChild):
    """A further titled section of free text (e.g. "Symptom-Specific Improvements")."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    body = models.TextField(
        blank=True, validators=[validate_text], help_text="Blank when the source gives only the heading."
    )

    class Meta(CompoundChild.Meta):
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="section_title_not_empty")]

    def __str__(self) -> str:
        return self.title


class Reference(CompoundChild):
    """A citation the page's text points to, numbered in the order it is listed."""

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="references")
    citation = models.TextField(validators=[validate_text])
    url = models.URLField(blank=True, validators=[validate_single_line])

    class Meta(CompoundChild.Meta):
        constraints = [models.CheckConstraint(condition=~Q(citation=""), name="reference_not_empty")]

    def __str__(self) -> str:
        return self.citation[:80]


class CatalogState(models.Model):
    """A single row whose revision goes up whenever any compound changes: the list page's cache key.

    It lives in the database because that is what every app server shares; a counter in a
    per-process cache would let one server keep serving a list another has changed.

    ``structure_revision`` goes up only when what structure search finds or shows changes (a structure,
    a compound's name or slug, a compound added or deleted): each server's search index catches up when
    it differs from the one it has seen, and every compound page's "Similar compounds" panel, and so the
    page's cache key and ETag, carry it. ``structure_changed_at`` is when it last went up.
    """

    revision = models.PositiveBigIntegerField(default=0)
    structure_revision = models.PositiveBigIntegerField(default=0)
    structure_changed_at = models.DateTimeField(null=True, editable=False)

    def __str__(self) -> str:
        return f"catalog revision {self.revision}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("revision", flat=True).first() or 0

    @classmethod
    def current_structure(cls) -> int:
        return cls.objects.filter(pk=1).values_list("structure_revision", flat=True).first() or 0


class StructureRemoval(models.Model):
    """A compound deleted from the catalog, so that every app server drops it from its search index.

    Written in the deleting transaction (``catalog.revisions.structures_removed``); read by
    catalog/structure_index.py for the last few minutes' worth only, so old rows may be purged at will.
    """

    compound_id = models.BigIntegerField()
    removed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["removed_at", "pk"]

    def __str__(self) -> str:
        return f"compound {self.compound_id} removed {self.removed_at:%Y-%m-%d %H:%M:%S}"


class ReferenceImport(models.Model):
    """One run of the reference import (catalog/reference_catalog.py) that wrote to the catalog.

    ``fingerprint`` covers the data files' checksums, the import rules' version and the RDKit and
    Structure Pipeline versions: an import whose fingerprint equals the latest one's has nothing to do.
    """

    fingerprint = models.CharField(max_length=64, db_index=True)
    chembl_sha256 = models.CharField("ChEMBL file sha256", max_length=64)
    solubility_sha256 = models.CharField("solubility file sha256", max_length=64)
    rdkit_version = models.CharField("RDKit", max_length=20)
    pipeline_version = models.CharField("ChEMBL Structure Pipeline", max_length=20)
    summary = models.JSONField(default=dict, help_text="What the run did, counted by outcome.")
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-finished_at", "-pk"]
        get_latest_by = ["finished_at", "pk"]

    def __str__(self) -> str:
        return f"reference import of {self.finished_at:%Y-%m-%d %H:%M}"


class ReferenceReport(models.Model):
    """A record of the reference data that was not imported as it stands, and why: for staff to look at.

    Rewritten by every import that writes (the latest import's reports are the ones that hold). The
    compound it concerns is named by catalog number rather than linked, so the report stays as written
    if that compound is later renamed or deleted.
    """

    class Dataset(models.TextChoices):
        CHEMBL = "chembl", "ChEMBL approved drugs"
        SOLUBILITY = "solubility", "Huuskonen solubility"

    class Reason(models.TextChoices):
        SKELETON = "skeleton", "Same skeleton as a catalog compound, different structure: not imported"
        NAME = "name", "Same name as a catalog compound, different structure: not imported"
        SEVERAL = "several", "Same structure as several catalog compounds: not imported"
        OTHER_CHEMBL_ID = "other_chembl_id", "Its structure's compound has another ChEMBL ID: not attached"
        INVALID = "invalid", "Cannot be imported"
        PARENT_NOT_LINKED = "parent_not_linked", "Imported without a link to its parent"
        DUPLICATE_MEASUREMENT = "duplicate", "The structure is measured twice in the set: neither is used"
        SKELETON_MEASUREMENT = "skeleton_measurement", "Matches catalog compounds only by skeleton: not attached"

    dataset = models.CharField(max_length=20, choices=Dataset.choices)
    record = models.CharField(max_length=40, help_text="ChEMBL ID, or the solubility set's split and ID.")
    record_name = models.CharField(max_length=300)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    detail = models.TextField()
    catalog_numbers = models.CharField(
        max_length=300, blank=True, help_text="The catalog compounds it concerns, comma-separated."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "reason", "record"]
        indexes = [models.Index(fields=["dataset", "reason"])]

    def __str__(self) -> str:
        return f"{self.record} ({self.record_name}): {self.get_reason_display()}"
