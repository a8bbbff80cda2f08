"""Checks of a compound's entered data against its structure, and against itself.

Each check returns a ``CheckResult`` with what was entered, what the structure gives and a plain
sentence. The page summarises them, the admin shows them beside the fields and asks for a reason
before saving a disagreement, and ``manage.py check_catalog`` runs them over the whole catalog.

The checks read the structure-derived values stored on the compound (computed by RDKit on save),
so they are cheap enough for a page view; only entered SMILES are parsed here (memoised).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING

from .chemistry import canonicalize, formula_counts
from .formatting import plain_decimal
from .naming import without_stereo
from .relations import Relation
from .validators import CAS_PATTERN, is_valid_cas

if TYPE_CHECKING:
    from .models import Compound

# Atomic-weight tables differ in the second or third decimal (IUPAC 2021 vs RDKit's); an entered
# MW within this of RDKit's is not a disagreement even when rounding alone would say so.
MW_TOLERANCE = Decimal("0.01")


class Status(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    FLAGGED = "flagged"  # data marked by staff as belonging to another form; shown, not an error
    COMPUTED = "computed"  # a value only the structure gives; nothing entered to compare
    NOT_CHECKED = "not_checked"


STATUS_LABELS = {
    Status.AGREE: "agrees",
    Status.DISAGREE: "disagrees",
    Status.FLAGGED: "flagged",
    Status.COMPUTED: "computed",
    Status.NOT_CHECKED: "not checked",
}
STATUS_MARKS = {Status.AGREE: "✓", Status.DISAGREE: "✗", Status.FLAGGED: "!"}  # "–" for the others


@dataclass(frozen=True)
class CheckResult:
    code: str
    label: str
    status: Status
    entered: str = ""
    computed: str = ""
    message: str = ""
    # For the public page when ``message`` is written for staff (their notes, the admin's side-by-side table).
    public: str = ""

    accepted_because: str = ""  # staff's reason, when they accepted exactly this disagreement

    @property
    def public_message(self) -> str:
        """The sentence a customer reads; staff's notes and reasons stay in the admin."""
        return self.public or self.message

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def mark(self) -> str:
        return STATUS_MARKS.get(self.status, "–")

    @property
    def disagrees(self) -> bool:
        return self.status == Status.DISAGREE

    @property
    def signature(self) -> str:
        """Identifies this exact disagreement, so a confirmation covers it and nothing new."""
        digest = hashlib.sha256(f"{self.entered}\x1f{self.computed}".encode()).hexdigest()[:10]
        return f"{self.code}:{digest}"


# -- the individual checks --------------------------------------------------------------------------


def _no_structure(compound: Compound, code: str, label: str, entered: str = "") -> CheckResult:
    why = compound.structure_error or "No structure (SMILES) is entered."
    return CheckResult(code, label, Status.NOT_CHECKED, entered, "", why)


def check_smiles(compound: Compound, *, code: str, label: str, entered: str) -> CheckResult | None:
    """An entered SMILES against the structure; one without stereo marks is compared without stereo."""
    if not entered:
        return None
    if not compound.has_structure:
        return _no_structure(compound, code, label, entered)
    parsed = canonicalize(entered)
    if parsed is None:
        return CheckResult(
            code,
            label,
            Status.DISAGREE,
            entered,
            compound.computed_canonical_smiles,
            "RDKit cannot parse the entered SMILES.",
        )
    isomeric, flat, has_stereo = parsed
    if has_stereo or compound.computed_canonical_smiles == compound.computed_flat_smiles:
        agree = isomeric == compound.computed_canonical_smiles
        computed, how = compound.computed_canonical_smiles, ""
    else:
        agree = flat == compound.computed_flat_smiles
        computed, how = compound.computed_flat_smiles, " Compared without stereo: the entered SMILES carries none."
    if agree:
        return CheckResult(code, label, Status.AGREE, entered, computed, "Same structure." + how)
    return CheckResult(code, label, Status.DISAGREE, entered, computed, "A different structure." + how)


def check_exact(compound: Compound, *, code: str, label: str, entered: str, computed: str) -> CheckResult | None:
    if not entered:
        if compound.has_structure:
            public = "None was entered for this record; RDKit computes one from the structure."
            return CheckResult(
                code, label, Status.COMPUTED, "", computed, "Nothing entered; computed value shown.", public
            )
        return None
    if not compound.has_structure:
        return _no_structure(compound, code, label, entered)
    if entered.strip() == computed:
        return CheckResult(code, label, Status.AGREE, entered, computed, "Identical.")
    return CheckResult(code, label, Status.DISAGREE, entered, computed, "Differs from the value the structure gives.")


def check_formula(compound: Compound) -> CheckResult | None:
    code, label, entered = "formula", "Molecular formula", compound.molecular_formula
    if not entered:
        return None
    if not compound.has_structure:
        return _no_structure(compound, code, label, entered)
    computed = compound.computed_formula
    counts = formula_counts(entered)
    if counts is not None and counts == formula_counts(computed):
        how = "Identical." if entered == computed else "Same composition, written differently."
        return CheckResult(code, label, Status.AGREE, entered, computed, how)
    if compound.parent_formula and counts == formula_counts(compound.parent_formula):
        return CheckResult(
            code,
            label,
            Status.DISAGREE,
            entered,
            computed,
            f"This is the free base's formula ({compound.parent_formula}), not this salt's.",
        )
    return CheckResult(code, label, Status.DISAGREE, entered, computed, "A different composition.")


def mw_agrees(entered: Decimal, computed: Decimal) -> bool:
    """Agreement at the entered precision: 246.35 agrees with RDKit's 246.354."""
    entered = Decimal(entered).normalize()
    places = max(-entered.as_tuple().exponent, 0)
    rounded = Decimal(computed).quantize(Decimal(1).scaleb(-places))
    return rounded == entered or abs(Decimal(computed) - entered) <= MW_TOLERANCE


def check_molecular_weight(compound: Compound) -> CheckResult | None:
    code, label = "molecular_weight", "Molecular weight"
    if compound.molecular_weight is None:
        return None
    entered = f"{compound.molecular_weight_display} g/mol"
    if not compound.has_structure:
        return _no_structure(compound, code, label, entered)
    computed = f"{plain_decimal(compound.computed_molecular_weight)} g/mol (RDKit atomic weights)"
    try:
        entered_value = Decimal(compound.molecular_weight)
    except InvalidOperation:  # pragma: no cover - the field only holds decimals
        entered_value = Decimal(0)
    if mw_agrees(entered_value, compound.computed_molecular_weight):
        return CheckResult(code, label, Status.AGREE, entered, computed, "Agrees to the entered precision.")
    if compound.parent_molecular_weight is not None and mw_agrees(entered_value, compound.parent_molecular_weight):
        return CheckResult(
            code,
            label,
            Status.DISAGREE,
            entered,
            computed,
            f"This is the free base's MW ({plain_decimal(compound.parent_molecular_weight)} g/mol), not this salt's.",
        )
    return CheckResult(code, label, Status.DISAGREE, entered, computed, "Differs from the structure's MW.")


def check_monoisotopic_mass(compound: Compound) -> CheckResult | None:
    if not compound.has_structure:
        return None
    return CheckResult(
        "monoisotopic_mass",
        "Monoisotopic mass",
        Status.COMPUTED,
        "",
        f"{plain_decimal(compound.monoisotopic_mass)} Da",
        "Computed from the structure.",
    )


def check_cas(compound: Compound, *, others: list[Compound] | None = None) -> CheckResult | None:
    """The CAS check digit; with ``others`` (compounds sharing the number) also whether another form has it."""
    code, label, entered = "cas", "CAS No.", compound.cas_number
    if not entered:
        return CheckResult(code, label, Status.NOT_CHECKED, "", "", "No CAS number entered.")
    if not CAS_PATTERN.match(entered):
        return CheckResult(code, label, Status.DISAGREE, entered, "", "Not a CAS number (digits in three groups).")
    if not is_valid_cas(entered):
        return CheckResult(code, label, Status.DISAGREE, entered, "", "Fails its check digit.")
    if others:
        names = ", ".join(f"{other.name} ({other.catalog_number})" for other in others)
        return CheckResult(
            code,
            label,
            Status.DISAGREE,
            entered,
            "",
            f"Check digit is valid, but the same CAS number is entered for {names}: "
            "each form (free base, salt, enantiomer) has its own.",
        )
    return CheckResult(code, label, Status.AGREE, entered, "", "Check digit is valid.")


# A parenthesised group of stereodescriptors in a name: (1R,2S), (S), (2E,4Z), (R*,S*), (RS).
_GROUP = re.compile(r"\(([^()]*)\)")
_DESCRIPTOR = re.compile(r"^(?:\d+[a-z]?'*|[A-Za-z]\d*'*)?(R|S|E|Z|RS|SR|R\*|S\*)$")


def name_descriptors(name: str) -> tuple[list[str], list[str], bool]:
    """(R/S descriptors, E/Z descriptors, whether the name gives relative or racemic configuration)."""
    rs: list[str] = []
    ez: list[str] = []
    relative = bool(re.search(r"(?:^|[\s(-])(?:rac|rel|\(±\)|\(\+/-\))", name, re.I))
    for group in _GROUP.findall(name):
        items = [item.strip() for item in group.split(",")]
        matches = [_DESCRIPTOR.match(item) for item in items]
        if not items or not all(matches):
            continue
        for match in matches:
            letter = match.group(1)
            if letter in {"RS", "SR"} or letter.endswith("*"):
                relative = True
            elif letter in {"R", "S"}:
                rs.append(letter)
            else:
                ez.append(letter)
    return rs, ez, relative


def _labels(text: str) -> list[str]:
    return [label for label in text.split(",") if label]


def check_stereo(compound: Compound) -> CheckResult | None:
    """The IUPAC name's configuration against the structure's.

    When OPSIN has read the name (catalog/naming.py, stored as ``name_inchi``), the two structures are
    compared as standard InChIs, stereo layers included: every descriptor is matched to its atom, so
    (1R,2S) and its enantiomer (1S,2R) are told apart. Otherwise the CIP labels computed from the
    structure (rdCIPLabeler) are compared with the name's R/S and E/Z as sets per letter, without
    locants; the message says when that cannot tell enantiomers apart.
    """
    code, label = "stereo", "Stereo (IUPAC name vs structure)"
    name = compound.iupac_name
    if not name:
        return CheckResult(code, label, Status.NOT_CHECKED, "", "", "No IUPAC name entered.")
    if not compound.has_structure:
        return _no_structure(compound, code, label, name)
    read_by_opsin = compound.name_inchi_of == name
    if read_by_opsin and compound.name_inchi and compound.computed_inchi:
        return _stereo_by_name_structure(compound, code, label)
    rs, ez, relative = name_descriptors(name)
    structure_rs, structure_ez = _labels(compound.computed_cip_labels), _labels(compound.computed_bond_labels)
    computed = ", ".join(structure_rs + structure_ez) or "no defined stereocentres"
    if compound.undefined_stereocentres:
        computed += f" ({compound.undefined_stereocentres} stereocentre(s) undefined)"
    entered = ", ".join(rs + ez) or "no descriptors"
    if relative:
        return CheckResult(
            code,
            label,
            Status.NOT_CHECKED,
            entered,
            computed,
            "The name gives relative or racemic configuration; not compared.",
        )
    if not (rs or ez or structure_rs or structure_ez):
        return CheckResult(
            code,
            label,
            Status.AGREE,
            entered,
            computed,
            "Neither the name nor the structure specifies a configuration.",
        )
    if not (rs or ez):
        return CheckResult(
            code,
            label,
            Status.DISAGREE,
            entered,
            computed,
            "The structure specifies a configuration the name does not give.",
        )
    if sorted(rs) != sorted(structure_rs) or sorted(ez) != sorted(structure_ez):
        return CheckResult(
            code,
            label,
            Status.DISAGREE,
            entered,
            computed,
            "The name's descriptors contradict the structure's CIP labels.",
        )
    ambiguous = len(set(rs)) > 1 or len(set(ez)) > 1
    note = " Locants are not mapped to atoms, so the enantiomer's name would also pass." if ambiguous else ""
    if ambiguous:
        note += " OPSIN could not read the name." if read_by_opsin else " The name has not been read by OPSIN yet."
    return CheckResult(code, label, Status.AGREE, entered, computed, "The CIP labels match the name's." + note)


def _stereo_by_name_structure(compound: Compound, code: str, label: str) -> CheckResult:
    rs, ez, _ = name_descriptors(compound.iupac_name)
    entered = ", ".join(rs + ez) or "no descriptors"
    structure_labels = _labels(compound.computed_cip_labels) + _labels(compound.computed_bond_labels)
    computed = ", ".join(structure_labels) or "no defined stereocentres"
    if compound.name_inchi == compound.computed_inchi:
        message = "OPSIN reads the name as exactly this structure, configuration included, atom by atom."
        return CheckResult(code, label, Status.AGREE, entered, computed, message)
    if without_stereo(compound.name_inchi) == without_stereo(compound.computed_inchi):
        message = (
            "The name describes this structure with a different configuration (OPSIN read the name; "
            "descriptors matched atom by atom)."
        )
        return CheckResult(code, label, Status.DISAGREE, entered, computed, message)
    message = "OPSIN reads the name as a different compound: the name does not describe this structure."
    return CheckResult(code, label, Status.DISAGREE, entered, computed, message)


def _salt_parents(compound: Compound) -> list[Compound]:
    """Compounds that link to this one as their salt form (uses the page's prefetch when present)."""
    return [link.compound for link in compound.related_to.all() if link.relation == Relation.SALT_FORM]


def check_salt_parent(compound: Compound) -> CheckResult | None:
    """For a salt: its parent (largest fragment) against the free base the catalog links to it."""
    if not compound.has_structure or not compound.fragment_count or compound.fragment_count < 2:
        return None
    code, label = "salt_parent", "Parent (free base) of the salt"
    computed = f"{compound.parent_formula}, {plain_decimal(compound.parent_molecular_weight)} g/mol"
    salt = f"{compound.computed_formula}, {plain_decimal(compound.computed_molecular_weight)} g/mol"
    parents = _salt_parents(compound) if compound.pk else []
    if not parents:
        return CheckResult(
            code,
            label,
            Status.COMPUTED,
            "",
            computed,
            f"Largest fragment of the salt ({salt}); no free base is linked to compare with.",
        )
    problems = []
    for parent in parents:
        if parent.computed_inchikey and parent.computed_inchikey != compound.parent_inchikey:
            problems.append(f"{parent.name}'s structure is not this salt's parent")
        if parent.molecular_formula and formula_counts(parent.molecular_formula) != formula_counts(
            compound.parent_formula
        ):
            problems.append(f"{parent.name}'s formula {parent.molecular_formula} is not the parent's")
        if parent.molecular_weight is not None and not mw_agrees(
            Decimal(parent.molecular_weight), compound.parent_molecular_weight
        ):
            problems.append(f"{parent.name}'s MW {parent.molecular_weight_display} is not the parent's")
    entered = "; ".join(
        f"{p.name}: {p.molecular_formula}, {p.molecular_weight_display} g/mol" for p in parents
    )  # the linked free base as entered
    if problems:
        return CheckResult(code, label, Status.DISAGREE, entered, computed, "; ".join(problems) + ".")
    return CheckResult(
        code,
        label,
        Status.AGREE,
        entered,
        computed,
        f"The linked free base matches the salt's parent; the salt itself is {salt}.",
    )


def _form_name(compound: Compound) -> str:
    """The name of the form the melting point belongs to, from prefetched links when possible."""
    form_id = compound.melting_point_form_id
    if form_id is None:
        return ""
    if form_id == compound.pk:
        return compound.name
    if compound.pk:
        for link in compound.related_forms.all():
            if link.related_id == form_id:
                return link.related.name
        for link in compound.related_to.all():
            if link.compound_id == form_id:
                return link.compound.name
    return compound.melting_point_form.name


def check_melting_point_form(compound: Compound) -> CheckResult | None:
    """A property that belongs to another form: the value is kept as given, and marked."""
    if compound.melting_point_celsius is None:
        return None
    code, label, entered = "melting_point_form", "Melting point", compound.melting_point_display
    other = compound.melting_point_form_id is not None and compound.melting_point_form_id != compound.pk
    if other:
        message = f"Reported for {_form_name(compound)}, not for {compound.name}."
        public = f"{message} A melting point does not follow from the structure."
        if compound.melting_point_note:
            message += f" {compound.melting_point_note}"
        return CheckResult(code, label, Status.FLAGGED, entered, "", message, public)
    if compound.melting_point_note:
        public = "Marked for review by catalog staff; a melting point does not follow from the structure."
        return CheckResult(code, label, Status.FLAGGED, entered, "", compound.melting_point_note, public)
    return CheckResult(
        code,
        label,
        Status.NOT_CHECKED,
        entered,
        "",
        "Given for this form; a melting point does not follow from the structure.",
    )


# -- all checks together ----------------------------------------------------------------------------


def check_compound(compound: Compound, *, cas_others: list[Compound] | None = None) -> list[CheckResult]:
    """Every check, in the order the page lists them. ``cas_others``: other compounds with this CAS."""
    structure_row = None
    if compound.structure_smiles:
        structure_row = (
            CheckResult(
                "structure",
                "Structure",
                Status.AGREE,
                compound.structure_smiles,
                compound.computed_canonical_smiles,
                "Parsed by RDKit; the values below are computed from it.",
                "RDKit reads it; the identifiers are compared with what RDKit computes from it.",
            )
            if compound.has_structure
            else CheckResult(
                "structure",
                "Structure",
                Status.DISAGREE,
                compound.structure_smiles,
                "",
                compound.structure_error,
                "RDKit cannot read the entered structure, so nothing could be compared with it.",
            )
        )
    source_is_isomeric = bool(compound.isomeric_smiles)
    results = [
        structure_row,
        check_smiles(compound, code="canonical_smiles", label="Canonical SMILES", entered=compound.canonical_smiles),
        check_smiles(compound, code="smiles", label="SMILES", entered=compound.smiles) if source_is_isomeric else None,
        check_exact(
            compound, code="inchi", label="Standard InChI", entered=compound.inchi, computed=compound.computed_inchi
        ),
        check_exact(
            compound,
            code="inchikey",
            label="Standard InChIKey",
            entered=compound.inchikey,
            computed=compound.computed_inchikey,
        ),
        check_formula(compound),
        check_molecular_weight(compound),
        check_monoisotopic_mass(compound),
        check_cas(compound, others=cas_others),
        check_stereo(compound),
        check_salt_parent(compound),
        check_melting_point_form(compound),
    ]
    accepted = confirmed_signatures(compound)
    return [
        replace(result, accepted_because=compound.disagreement_reason) if result.signature in accepted else result
        for result in results
        if result is not None
    ]


@dataclass(frozen=True)
class CheckSummary:
    """The page's one-line result of the checks: agree, disagree, or not checked, and a sentence."""

    status: Status
    text: str

    @property
    def mark(self) -> str:
        return STATUS_MARKS.get(self.status, "–")


def summarise(results: list[CheckResult]) -> CheckSummary:
    """How the entered identifiers compare with the structure, in one sentence for the public page."""
    structure = next((result for result in results if result.code == "structure"), None)
    if structure is None:
        return CheckSummary(Status.NOT_CHECKED, "not checked: no structure is on file.")
    if structure.disagrees:
        return CheckSummary(Status.NOT_CHECKED, "not checked: RDKit cannot read the entered structure.")
    # A CAS number is checked by its check digit only: it says nothing about the structure.
    against_structure = [r for r in results if r.code not in ("structure", "cas")]
    compared = [r for r in against_structure if r.status in (Status.AGREE, Status.DISAGREE)]
    differ = disagreements(compared)
    cas = " ".join(f"{r.label}: {r.public_message}" for r in disagreements(results) if r.code == "cas")
    if differ:
        labels = ", ".join(result.label for result in differ)
        text = f"{len(differ)} of {len(compared)} checked identifiers differ from the structure: {labels}."
        return CheckSummary(Status.DISAGREE, f"{text} {cas}".strip())
    agree = f"{len(compared)} of {len(compared)} checked identifiers agree with the structure."
    return CheckSummary(Status.DISAGREE, f"{agree} {cas}") if cas else CheckSummary(Status.AGREE, agree)


def disagreements(results: list[CheckResult]) -> list[CheckResult]:
    return [result for result in results if result.disagrees]


def confirmed_signatures(compound: Compound) -> set[str]:
    return set(compound.confirmed_disagreements.split()) if compound.disagreement_reason.strip() else set()


def unconfirmed(compound: Compound, results: list[CheckResult]) -> list[CheckResult]:
    """Disagreements that no stored confirmation (with a reason) covers."""
    confirmed = confirmed_signatures(compound)
    return [result for result in disagreements(results) if result.signature not in confirmed]


def confirm(compound: Compound, results: list[CheckResult], reason: str) -> None:
    """Record that staff accept the current disagreements, and why (saved with the compound)."""
    compound.disagreement_reason = reason.strip()
    compound.confirmed_disagreements = " ".join(sorted(result.signature for result in disagreements(results)))
