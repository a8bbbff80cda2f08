"""Staff editing: every field and child table of a compound, with search, filters and history.

The compound form shows what was entered beside what the structure gives (catalog/checks.py) and
marks each disagreement; saving values that disagree with the structure needs a ticked
confirmation and a reason, which is stored on the compound and so kept in its history.

Everything a compound's page shows is edited on the compound's own change page, trial rows inside
their table (django-nested-admin's nested inlines), and saved in one transaction under the edit
guard (RevisionGuardedForm): a page either saves whole or not at all.
"""

import re
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from import_export.admin import ImportExportMixin
from nested_admin.nested import NestedModelAdminMixin, NestedStackedInline, NestedTabularInline
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from . import checks
from .chemistry import StructureTooLarge, check_structure_size
from .drawings import structure_svg
from .formatting import plain_decimal
from .models import (
    Compound,
    Description,
    PharmacokineticParameter,
    Reference,
    ReferenceImport,
    ReferenceReport,
    RelatedForm,
    Section,
    Synonym,
    TrialRow,
    TrialTable,
    page_children,
)
from .naming import NameReaderUnavailable, inchis_from_names
from .resources import CompoundResource
from .validators import validate_single_line


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, with a 404 for a history address whose ids are not row ids (it raised)."""

    def history_form_view(self, request, object_id: str, version_id: str, extra_context=None):
        if not all(re.fullmatch(r"[0-9]{1,18}", value) for value in (object_id, version_id)):
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)


# -- widgets sized to what a field holds --------------------------------------------------------------

# Structure identifiers: one long line without spaces (SMILES, InChI) or with few (IUPAC names), read
# character by character, so monospace, wrapped anywhere, and never spell-checked or auto-capitalised.
IDENTIFIER_FIELDS = frozenset({"iupac_name", "inchi", "inchikey", "isomeric_smiles", "smiles", "canonical_smiles"})
IDENTIFIER_ATTRS = {"spellcheck": "false", "autocapitalize": "off", "autocomplete": "off"}
# A single-line text field this long or longer (a note, a caption) gets a box that wraps it.
LONG_LINE_LENGTH = 300


class PlainDecimalInput(forms.NumberInput):
    """A stored number as entered (100, 37, 246.35), not padded to its column's places (100.000, 37.00)."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return plain_decimal(value)
        return super().format_value(value)


def sized_widget(db_field: models.Field, *, compact: bool) -> forms.Widget | None:
    """The widget for a field, sized to what it holds; None for Django's default.

    Multi-line text (descriptions, mechanism, notes) gets a textarea of several rows (fewer in a table
    row: ``compact``); single-line text that may run long (identifiers, notes of a line) a textarea of
    two rows that wraps it; decimals are shown without padding. Fields with choices keep their select.
    """
    if isinstance(db_field, models.DecimalField):
        return PlainDecimalInput()
    if type(db_field) not in (models.CharField, models.TextField) or db_field.choices:
        return None
    identifier = db_field.name in IDENTIFIER_FIELDS
    attrs = dict(IDENTIFIER_ATTRS) if identifier else {}
    marker = " identifier" if identifier else ""
    if validate_single_line not in db_field.validators:
        return forms.Textarea(attrs={"rows": 3 if compact else 6, "class": "long-text"})
    if isinstance(db_field, models.TextField) or db_field.max_length >= LONG_LINE_LENGTH:
        return forms.Textarea(attrs={"rows": 2, "class": f"long-line{marker}", **attrs})
    if identifier:
        return admin.widgets.AdminTextInputWidget(attrs={"class": f"vTextField{marker}", **attrs})
    return None


class SizedWidgetsMixin:
    """Every catalog form field gets the widget sized to it (``sized_widget``)."""

    compact = False  # a tabular inline: a row of cells, so fewer rows per text box

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        widget = sized_widget(db_field, compact=self.compact)
        if widget is not None:
            kwargs["widget"] = widget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# -- child tables: every one an inline on the compound's page ------------------------------------------


class ChildInlineMixin(SizedWidgetsMixin):
    """What every child table's inline shares: no blank rows unless asked, drag to reorder by position.

    The position stays a visible number too, so rows can be reordered by keyboard and without
    JavaScript; on save the package renumbers the positions 0, 1, 2 … in the order shown.
    """

    extra = 0
    sortable_field_name = "position"


class ChildTabularInline(ChildInlineMixin, NestedTabularInline):
    compact = True
    template = "admin/catalog/nested_tabular.html"


class ChildStackedInline(ChildInlineMixin, NestedStackedInline):
    template = "admin/catalog/nested_stacked.html"


class SynonymInline(ChildTabularInline):
    model = Synonym
    fields = ["name", "position"]


class DescriptionInline(ChildStackedInline):
    model = Description
    fields = ["kind", "source", "text", "position"]


class PharmacokineticParameterInline(ChildTabularInline):
    model = PharmacokineticParameter
    fields = ["label", "value", "position"]


class TrialRowInline(ChildTabularInline):
    model = TrialRow
    fields = [
        "study",
        "dose_mg_per_day",
        "responders_percent",
        "placebo_percent",
        "p_value_relation",
        "p_value",
        "position",
    ]


class TrialTableInline(ChildStackedInline):
    """The table's text with its rows nested inside it, all saved with the compound."""

    model = TrialTable
    fields = ["heading", "subheading", "intro", "caption", "responder_definition", "notes", "position"]
    inlines = [TrialRowInline]


class SectionInline(ChildStackedInline):
    model = Section
    fields = ["title", "body", "position"]


class ReferenceInline(ChildTabularInline):
    model = Reference
    fields = ["citation", "url", "position"]


class RelatedFormInline(ChildTabularInline):
    model = RelatedForm
    fk_name = "compound"
    autocomplete_fields = ["related"]
    fields = ["relation", "related", "position"]
    verbose_name = "related form"
    verbose_name_plural = "related forms (this compound → other)"


def read_name(compound: Compound) -> None:
    """Have OPSIN read a changed IUPAC name (about a second), so the stereo check is atom by atom."""
    if not compound.iupac_name or compound.iupac_name == compound.name_inchi_of:
        return
    try:
        [compound.name_inchi] = inchis_from_names([compound.iupac_name])
        compound.name_inchi_of = compound.iupac_name
    except NameReaderUnavailable:
        compound.name_inchi = compound.name_inchi_of = ""  # the check falls back to descriptor sets


def pasted_names(text: str) -> list[str]:
    """Names from a pasted list, one per line or separated by ";": trimmed, inner spaces collapsed, blanks
    dropped, and a name repeated (in any letter case) kept once, as first written."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        for part in line.split(";"):
            name = " ".join(part.split())
            if name:
                names.setdefault(name.casefold(), name)
    return list(names.values())


def add_synonyms(compound: Compound, names: list[str], *, user) -> list[Synonym]:
    """Add the names the compound does not list yet (in any letter case) after its last synonym.

    Called after the page's own synonym rows are saved, in the same transaction, so a name typed into
    a row and pasted too is added once. Each row is saved on its own so it gets its history record
    and moves the page's revision, as an edit in a row does.
    """
    listed = {name.casefold() for name in compound.synonyms.values_list("name", flat=True)}
    last = compound.synonyms.aggregate(last=Max("position"))["last"]
    position = -1 if last is None else last
    added = []
    for name in names:
        if name.casefold() in listed:
            continue
        position += 1
        synonym = Synonym(compound=compound, name=name, position=position)
        synonym._history_user = user  # simple-history's documented hook: who added it
        synonym.save()
        added.append(synonym)
    return added


def latest_change(compound_id: int) -> HistoricalChanges | None:
    """The newest history record of the compound or of anything its page shows (who changed it, when).

    Only asked when an edit is refused, so one small query per history table is fine.
    """
    candidates = [
        Compound.history.filter(id=compound_id),
        *(model.history.filter(model.rows_of([compound_id])) for model in page_children()),
    ]
    records = [c.select_related("history_user").order_by("-history_date").first() for c in candidates]
    return max(filter(None, records), key=lambda record: record.history_date, default=None)


class RevisionGuardedForm(forms.ModelForm):
    """A change form that refuses to save over an edit someone else made since it was drawn.

    Any change to a compound or to anything its page shows gives the compound a new revision
    (catalog/signals.py), so the compound's revision, carried in the hidden ``seen_revision``, says
    whether what the editor saw is still current. One guard per page is enough: the admin validates
    the main form and saves it and every inline in one transaction, under the lock the guard takes,
    so a page whose main form is guarded (a compound with inlines, nested ones included) is covered.
    """

    # How this form's model reaches its compound, as an ORM lookup prefix ("" for Compound itself).
    compound_lookup = "compound__"
    # How the refusal names what changed; on a child's page the change may be to the child itself.
    conflict_subject = "This compound"

    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.guarded_compound_id = None
        if self.instance.pk is None:
            return  # a new row overwrites nothing
        # From the database, not the instance: when reverting, the instance is a historical copy.
        owner = (
            type(self.instance)
            ._default_manager.filter(pk=self.instance.pk)
            .values_list(f"{self.compound_lookup}pk", f"{self.compound_lookup}revision")
            .first()
        )
        if owner is not None:
            self.guarded_compound_id, revision = owner
            self.fields["seen_revision"].required = True
            self.fields["seen_revision"].initial = revision

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.guarded_compound_id is not None and cleaned.get("seen_revision") is not None:
            self._refuse_if_changed_since(cleaned["seen_revision"])
        return cleaned

    def _refuse_if_changed_since(self, seen: int) -> None:
        # The admin saves inside a transaction; the row lock (SQLite: the IMMEDIATE write lock) holds
        # until this save commits, so nobody can slip in between the check and the save.
        current = (
            Compound.objects.select_for_update()
            .filter(pk=self.guarded_compound_id)
            .values_list("revision", flat=True)
            .first()
        )
        if current is None or current == seen:
            return
        latest = latest_change(self.guarded_compound_id)
        who = f" by {latest.history_user}" if latest and latest.history_user else ""
        when = f" at {latest.history_date:%Y-%m-%d %H:%M} UTC" if latest else ""
        raise forms.ValidationError(
            f"{self.conflict_subject} was changed{who}{when} while you were editing it, so your changes have "
            "not been saved (saving them would undo that change). Open the page again to see the current "
            "values, then make your changes again.",
            code="edit_conflict",
        )


class CompoundAdminForm(RevisionGuardedForm):
    compound_lookup = ""

    confirm_disagreements = forms.BooleanField(
        required=False,
        label="Accept the disagreements",
        help_text="Tick to save values that disagree with the structure, and say why below.",
    )

    synonyms_to_add = forms.CharField(
        required=False,
        strip=False,
        label="Add synonyms",
        widget=forms.Textarea(attrs={"rows": 4, "class": "long-text", "spellcheck": "false"}),
        help_text="Paste names one per line, or separated by “;”. Each is trimmed; names already listed "
        "(in any letter case) and repeats are skipped. They are added below the synonyms there are.",
    )

    class Meta:
        model = Compound
        fields = ["disagreement_reason"]  # the admin's fieldsets decide the rest

    def clean_synonyms_to_add(self) -> list[str]:
        """The pasted names, each checked as a Synonym's name is; every fault is an error on this field."""
        names = pasted_names(self.cleaned_data["synonyms_to_add"])
        name_field = Synonym._meta.get_field("name")
        errors = []
        for name in names:
            try:
                name_field.run_validators(name)
            except ValidationError as error:
                preview = name if len(name) <= 40 else name[:40] + "…"
                errors += [f"“{preview}” was not added: {message}" for message in error.messages]
        if errors:
            raise ValidationError(errors)
        return names

    def _refuse_oversized_structures(self) -> bool:
        """A field error on each SMILES over the size limits, found before RDKit works on it (the save
        holds the database's write lock meanwhile). Whether there was one."""
        refused = False
        for field in ("isomeric_smiles", "smiles", "canonical_smiles"):
            try:
                check_structure_size(getattr(self.instance, field))
            except StructureTooLarge as error:
                self.add_error(field, str(error))
                refused = True
        return refused

    def _post_clean(self) -> None:
        # After the model's own validation the instance holds the submitted values: compute what the
        # structure gives and refuse unexplained disagreements.
        super()._post_clean()
        instance = self.instance
        if self._refuse_oversized_structures():
            return
        instance.refresh_structure()
        read_name(instance)
        results = instance.full_check()
        self.check_results = results
        if not checks.disagreements(results):
            instance.confirmed_disagreements = ""
            return
        pending = checks.unconfirmed(instance, results)
        confirmed = self.cleaned_data.get("confirm_disagreements")
        reason = (self.cleaned_data.get("disagreement_reason") or "").strip()
        if not pending and not confirmed:
            return  # an earlier confirmation still covers exactly these disagreements
        if not confirmed:
            listed = "; ".join(f"{r.label}: {r.message}" for r in pending)
            self.add_error(
                "confirm_disagreements",
                f"These entered values disagree with the structure: {listed} Correct them, or tick "
                "“Accept the disagreements” and give a reason.",
            )
        elif not reason:
            self.add_error("disagreement_reason", "Give a reason for accepting the disagreements.")
        else:
            checks.confirm(instance, results, reason)


def _checks_table(results: list[checks.CheckResult]) -> str:
    rows = format_html_join(
        "",
        '<tr class="check-{}"><th scope="row">{}</th><td>{}</td><td>{}</td><td><strong>{} {}</strong> {}{}</td></tr>',
        (
            (
                r.status,
                r.label,
                r.entered or "—",
                r.computed or "—",
                r.mark,
                r.status_label.upper() if r.disagrees else r.status_label,
                r.message,
                # The reason is staff's own note: shown here, while the public page only says it was reviewed.
                f" Accepted: {r.accepted_because}" if r.accepted_because else "",
            )
            for r in results
        ),
    )
    return format_html(
        '<table class="structure-checks"><thead><tr><th scope="col">Identifier</th><th scope="col">Entered</th>'
        '<th scope="col">From the structure (RDKit)</th><th scope="col">Result</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        rows,
    )


@admin.register(Compound)
class CompoundAdmin(SizedWidgetsMixin, ImportExportMixin, NestedModelAdminMixin, HistoryAdmin):
    form = CompoundAdminForm
    # CSV import/export in the admin, with the same validation as manage.py import_compounds.
    resource_classes = [CompoundResource]
    list_display = ["name", "catalog_number", "cas_number", "molecular_formula", "mw", "updated_at"]
    list_display_links = ["name", "catalog_number"]
    search_fields = ["name", "catalog_number", "cas_number", "inchikey", "molecular_formula", "synonyms__name"]
    list_filter = ["is_synthetic", "origin", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "synthetic_notice",
        "created_at",
        "updated_at",
        "structure_drawing",
        "structure_checks",
        "confirmed_disagreements",
        "origin",
        "solubility_log_s",
        "solubility_basis",
        "solubility_source",
    ]
    autocomplete_fields = ["melting_point_form"]
    # is_synthetic is never edited here (generate_catalog sets it); a synthetic compound says so (get_fieldsets).
    fieldsets = [
        (None, {"fields": ["name", "slug", "catalog_number", "research_use_notice", "seen_revision"]}),
        (
            "Identifiers and properties",
            {
                "fields": [
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
                    "melting_point_form",
                    "melting_point_note",
                ]
            },
        ),
        (
            "Checked against the structure",
            {
                "description": "Computed by RDKit from the isomeric SMILES (else the SMILES) when saved.",
                "fields": [
                    "structure_drawing",
                    "structure_checks",
                    "confirm_disagreements",
                    "disagreement_reason",
                    "confirmed_disagreements",
                ],
            },
        ),
        ("Pharmacology", {"fields": ["mechanism_of_action", "pharmacokinetics_intro", "pharmacokinetics_summary"]}),
        (
            "Sources",
            {
                "description": "Where the record comes from; the measured solubility is set by the reference import.",
                "fields": [
                    "origin",
                    "chembl_id",
                    "first_approval_year",
                    "provenance",
                    "solubility_log_s",
                    "solubility_basis",
                    "solubility_source",
                ],
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
        # Last, so the box sits right above the synonym rows it adds to.
        ("Synonyms: paste a list", {"fields": ["synonyms_to_add"]}),
    ]

    def get_fieldsets(self, request, obj: Compound | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_synthetic:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": ["synthetic_notice", *options["fields"]]}), *rest]

    @admin.display(description="Synthetic")
    def synthetic_notice(self, obj: Compound) -> str:
        return "Generated for load testing (manage.py generate_catalog); not a real compound."

    @admin.display(description="MW (g/mol)", ordering="molecular_weight")
    def mw(self, obj: Compound) -> str:
        return obj.molecular_weight_display

    @admin.display(description="Structure")
    def structure_drawing(self, obj: Compound) -> str:
        if obj.pk is None or not obj.has_structure:
            return obj.structure_error if obj.pk else "Shown after saving."
        return mark_safe(structure_svg(obj))  # our own RDKit drawing; the name in it is escaped

    @admin.display(description="Entered vs computed")
    def structure_checks(self, obj: Compound) -> str:
        if obj.pk is None:
            return "Shown after saving."
        return _checks_table(obj.full_check())

    def save_model(self, request, obj: Compound, form, change: bool) -> None:
        if form.cleaned_data.get("confirm_disagreements") and obj.disagreement_reason:
            # Shown in the history list beside the change itself.
            # The history's change-reason column holds 100 characters; the full reason is a field.
            reason = f"Accepted disagreements with the structure: {obj.disagreement_reason}"
            obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        added = add_synonyms(form.instance, form.cleaned_data["synonyms_to_add"], user=request.user)
        if added:
            names = ", ".join(synonym.name for synonym in added)
            self.message_user(request, f"Added {len(added)} synonym(s): {names}.", messages.SUCCESS)

    inlines = [
        SynonymInline,
        DescriptionInline,
        PharmacokineticParameterInline,
        TrialTableInline,
        SectionInline,
        RelatedFormInline,
        ReferenceInline,
    ]


class TrialTableAdminForm(RevisionGuardedForm):
    """TrialTableAdmin supplies the model and its fields."""

    conflict_subject = "This table or its compound"


@admin.register(TrialTable)
class TrialTableAdmin(SizedWidgetsMixin, NestedModelAdminMixin, HistoryAdmin):
    """A table on its own page (found by caption); its compound's page edits it too."""

    form = TrialTableAdminForm
    list_display = ["caption", "compound", "heading"]
    search_fields = ["caption", "heading", "compound__name"]
    list_select_related = ["compound"]
    autocomplete_fields = ["compound"]
    inlines = [TrialRowInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the reference import writes: staff read them; the import alone changes them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReferenceReport)
class ReferenceReportAdmin(ReadOnlyAdmin):
    """Records of ChEMBL or the solubility set that the latest reference import did not take as they stand."""

    list_display = ["record", "record_name", "reason", "catalog_numbers"]
    list_filter = ["dataset", "reason"]
    search_fields = ["record", "record_name", "catalog_numbers", "detail"]
    fields = ["dataset", "record", "record_name", "reason", "detail", "catalog_numbers", "created_at"]


@admin.register(ReferenceImport)
class ReferenceImportAdmin(ReadOnlyAdmin):
    list_display = ["finished_at", "rdkit_version", "pipeline_version", "chembl_sha256"]
    fields = [
        "finished_at",
        "fingerprint",
        "chembl_sha256",
        "solubility_sha256",
        "rdkit_version",
        "pipeline_version",
        "summary",
    ]
