"""Staff editing: every field and child table of a compound, with search, filters and history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
)


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


@admin.register(Compound)
class CompoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "catalog_number", "cas_number", "molecular_formula", "molecular_weight", "updated_at"]
    list_display_links = ["name", "catalog_number"]
    search_fields = ["name", "catalog_number", "cas_number", "inchikey", "molecular_formula", "synonyms__name"]
    list_filter = ["is_synthetic", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "catalog_number", "research_use_notice", "is_synthetic"]}),
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
                ]
            },
        ),
        ("Pharmacology", {"fields": ["mechanism_of_action", "pharmacokinetics_intro", "pharmacokinetics_summary"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
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


@admin.register(TrialTable)
class TrialTableAdmin(SimpleHistoryAdmin):
    list_display = ["caption", "compound", "heading"]
    search_fields = ["caption", "heading", "compound__name"]
    list_select_related = ["compound"]
    autocomplete_fields = ["compound"]
    inlines = [TrialRowInline]
