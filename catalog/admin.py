"""Staff editing: every field and child table of a compound, with search, filters and history.

The compound form shows what was entered beside what the structure gives (catalog/checks.py) and
marks each disagreement; saving values that disagree with the structure needs a ticked
confirmation and a reason, which is stored on the compound and so kept in its history.
"""

import re

from django import forms
from django.contrib import admin
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from . import checks
from .chemistry import StructureTooLarge, check_structure_size
from .drawings import structure_svg
from .models import (
    Compound,
    Description,
    PharmacokineticParameter,
    Reference,
    RelatedForm,
    Section,
    Synonym,
    TrialRow,
    TrialTable,
    page_children,
)
from .naming import NameReaderUnavailable, inchis_from_names
from .resources import CompoundResource


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, with a 404 for a history address whose ids are not row ids (it raised)."""

    def history_form_view(self, request, object_id: str, version_id: str, extra_context=None):
        if not all(re.fullmatch(r"[0-9]{1,18}", value) for value in (object_id, version_id)):
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class SynonymInline(admin.TabularInline):
    model = Synonym
    extra = 0
    fields = ["name", "position"]


class DescriptionInline(admin.StackedInline):
    model = Description
    extra = 0
    fields = ["kind", "source", "text", "position"]


class PharmacokineticParameterInline(admin.TabularInline):
    model = PharmacokineticParameter
    extra = 0
    fields = ["label", "value", "position"]


class TrialTableInline(admin.StackedInline):
    """The table's text; its rows are edited on the table's own page (the "change" link)."""

    model = TrialTable
    extra = 0
    show_change_link = True
    fields = ["heading", "subheading", "intro", "caption", "responder_definition", "notes", "position"]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["title", "body", "position"]


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0
    fields = ["citation", "url", "position"]


class RelatedFormInline(admin.TabularInline):
    model = RelatedForm
    fk_name = "compound"
    extra = 0
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

    class Meta:
        model = Compound
        fields = ["disagreement_reason"]  # the admin's fieldsets decide the rest

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.molecular_weight is not None:
            # Show the MW as entered (246.35), not padded to the column's four decimals (246.3500).
            self.initial["molecular_weight"] = self.instance.molecular_weight_display

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
        '<tr class="check-{}"><th scope="row">{}</th><td>{}</td><td>{}</td><td><strong>{} {}</strong> {}</td></tr>',
        (
            (
                r.status,
                r.label,
                r.entered or "—",
                r.computed or "—",
                r.mark,
                r.status_label.upper() if r.disagrees else r.status_label,
                r.message,
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
class CompoundAdmin(ImportExportMixin, HistoryAdmin):
    form = CompoundAdminForm
    # CSV import/export in the admin, with the same validation as manage.py import_compounds.
    resource_classes = [CompoundResource]
    list_display = ["name", "catalog_number", "cas_number", "molecular_formula", "molecular_weight", "updated_at"]
    list_display_links = ["name", "catalog_number"]
    search_fields = ["name", "catalog_number", "cas_number", "inchikey", "molecular_formula", "synonyms__name"]
    list_filter = ["is_synthetic", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at", "structure_drawing", "structure_checks", "confirmed_disagreements"]
    autocomplete_fields = ["melting_point_form"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "catalog_number", "research_use_notice", "is_synthetic", "seen_revision"]}),
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
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

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

    inlines = [
        SynonymInline,
        DescriptionInline,
        PharmacokineticParameterInline,
        TrialTableInline,
        SectionInline,
        RelatedFormInline,
        ReferenceInline,
    ]


class TrialRowInline(admin.TabularInline):
    model = TrialRow
    extra = 0
    fields = [
        "study",
        "dose_mg_per_day",
        "responders_percent",
        "placebo_percent",
        "p_value_relation",
        "p_value",
        "position",
    ]


class TrialTableAdminForm(RevisionGuardedForm):
    """TrialTableAdmin supplies the model and its fields."""

    conflict_subject = "This table or its compound"


@admin.register(TrialTable)
class TrialTableAdmin(HistoryAdmin):
    form = TrialTableAdminForm
    list_display = ["caption", "compound", "heading"]
    search_fields = ["caption", "heading", "compound__name"]
    list_select_related = ["compound"]
    autocomplete_fields = ["compound"]
    inlines = [TrialRowInline]
