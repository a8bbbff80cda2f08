"""The catalog's domain: a compound and everything its page shows, as structured rows.

Every fact on a vendor's compound page has a field or a child table here; nothing is stored as an
HTML blob. Child rows carry an explicit ``position`` so staff can reorder them in the admin.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .selectors import CompoundQuerySet
from .validators import validate_cas_number, validate_inchikey, validate_molecular_formula, validate_positive

DEFAULT_RESEARCH_USE_NOTICE = "For research use only. Not for human or veterinary use."


class Compound(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the page address.")
    catalog_number = models.CharField(
        "catalog number", max_length=40, unique=True, help_text="Our own catalog number, e.g. VC0006221."
    )
    cas_number = models.CharField(
        "CAS number",
        max_length=20,
        blank=True,
        validators=[validate_cas_number],
        help_text="CAS Registry Number of exactly this form (free base or salt), e.g. 96847-55-1.",
    )
    molecular_formula = models.CharField(
        max_length=100, validators=[validate_molecular_formula], help_text="Hill order, e.g. C15H22N2O."
    )
    molecular_weight = models.DecimalField(
        "molecular weight (g/mol)",
        max_digits=12,
        decimal_places=4,
        validators=[validate_positive],
    )
    iupac_name = models.TextField("IUPAC name", blank=True)
    inchi = models.TextField("standard InChI", blank=True)
    inchikey = models.CharField(
        "standard InChIKey", max_length=27, blank=True, db_index=True, validators=[validate_inchikey]
    )
    isomeric_smiles = models.TextField("isomeric SMILES", blank=True)
    smiles = models.TextField("SMILES", blank=True)
    canonical_smiles = models.TextField("canonical SMILES", blank=True)
    melting_point_celsius = models.DecimalField(
        "melting point (°C)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    research_use_notice = models.TextField(default=DEFAULT_RESEARCH_USE_NOTICE)

    # Pharmacology: the mechanism paragraph and the text framing the pharmacokinetic rows.
    mechanism_of_action = models.TextField(blank=True)
    pharmacokinetics_intro = models.TextField(blank=True)
    pharmacokinetics_summary = models.TextField(blank=True)

    is_synthetic = models.BooleanField(default=False, help_text="Generated for load testing; not a real compound.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
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
        indexes = [models.Index(fields=["cas_number"]), models.Index(fields=["molecular_formula"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.catalog_number})"

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


class Synonym(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(max_length=300)
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
    source = models.CharField(max_length=200, blank=True, help_text="Where the text comes from, if known.")
    text = models.TextField()
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
    label = models.CharField(max_length=100)
    value = models.TextField()
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
    heading = models.CharField(max_length=200, help_text='e.g. "Clinical Efficacy in Fibromyalgia".')
    subheading = models.CharField(max_length=200, blank=True)
    intro = models.TextField(blank=True)
    caption = models.CharField(max_length=300)
    responder_definition = models.TextField(
        blank=True, help_text="What counts as a responder in this table's percentages."
    )
    notes = models.TextField(blank=True)
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
    study = models.CharField(max_length=200)
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
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Blank when the source gives only the heading.")
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
    citation = models.TextField()
    url = models.URLField(blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(citation=""), name="reference_not_empty")]

    def __str__(self) -> str:
        return self.citation[:80]
