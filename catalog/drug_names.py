"""Display names from ChEMBL's upper-case preferred names: "MILNACIPRAN HYDROCHLORIDE" -> "Milnacipran hydrochloride".

Everything is lower case except what chemical naming writes in capitals:

- a letter standing alone: locants (N-, O-, S-), stereodescriptors ((S)-, (1R,2S)-, D-, L-, E-, Z-),
  indicated hydrogen (1H-), letter designations (penicillin G, amphotericin B, vitamin B12) and element
  symbols of one letter (I 123, F18, C-11). The ortho/meta/para (o-, m-, p-) and n- prefixes are written
  with the same letters as the O-, P- and N- locants, and upper case is the likelier reading in drug names
  (none of the 2,628 approved drugs has either); a name that means the other one would need an override;
- the stereodescriptors DL and RS before "-", ")" or ",": "DL-methionine", "(RS)-";
- roman numerals, in parentheses (iron(III)) or as a word (factor VIII);
- a radionuclide after the compound's name, in the USP style: element symbol as symbol, mass number, "m" of
  a metastable state: "FLUDEOXYGLUCOSE F 18" -> "Fludeoxyglucose F 18", "STRONTIUM CHLORIDE SR 89" ->
  "Strontium chloride Sr 89", "TC 99M" -> "Tc 99m". Only after the first word, so that a development
  code at the start ("AT-101") is not read as astatine;
- development codes, a word of two to five letters and three or more digits ("ABT-199", "AZD9291"), and a
  few acronyms (DOPA, EDTA ...).

cis-, trans-, tert-, rac- and the like stay lower case (they are italic prefixes, never capitalised).
The name's first letter is capitalised ("Milnacipran hydrochloride"), unless the name starts with a locant,
stereodescriptor or italic prefix: then nothing is, the prefix keeps its own case and the name proper stays
lower case, as chemists write these names anywhere but at the start of a sentence: "N-acetylcysteine",
"(S)-ibuprofen", "L-DOPA", "trans-tramadol", "1H-indole-3-acetic acid", "5-fluorouracil". (None of the
2,628 approved drugs' names starts that way; the rule is for names staff or later files bring.)

ChEMBL also inverts some names for its index ("SULFADIAZINE, SILVER", "MAGNESIA, [MILK OF]"); these are
turned back into the name people use: "Silver sulfadiazine", "Milk of magnesia".

Pure: no Django, so the importer, templates and tests can all use it.
"""

from __future__ import annotations

import re

from rdkit import Chem

_TABLE = Chem.GetPeriodicTable()
ELEMENT_SYMBOLS = frozenset(_TABLE.GetElementSymbol(number) for number in range(1, 119))
ACRONYMS = frozenset({"DOPA", "EDTA", "DTPA", "PEG", "DNA", "RNA"})
ITALIC_PREFIXES = frozenset(
    {"cis", "trans", "tert", "sec", "rac", "rel", "meso", "endo", "exo", "syn", "anti", "erythro", "threo"}
)
# Each pattern runs on the upper-case name; the text it matches is written as `case` makes it.
_LETTER_ALONE = re.compile(r"(?<![A-Z'])[A-Z](?![A-Z])")
_PAIRED_STEREO = re.compile(r"(?<![A-Z])(?:DL|RS|SR)(?=[-),])")
_ROMAN = re.compile(r"(?<=\()[IVX]+(?=\))|(?<![A-Z])(?:II|III|IV|VI|VII|VIII|IX|XI|XII|XIII)(?![A-Z])")
_CODE = re.compile(r"(?<![^ ])[A-Z]{2,5}-?\d{3,}[A-Z]?(?![^ ])")
_ACRONYM = re.compile(r"(?<![A-Z])(?:" + "|".join(sorted(ACRONYMS)) + r")(?![A-Z])")
_RADIONUCLIDE = re.compile(r"(?<= )(?P<symbol>[A-Z]{1,2})(?P<sep>[ -]?)(?P<mass>\d{1,3})(?P<meta>M?)(?![A-Z\d])")
_INVERTED = re.compile(r"(?P<head>[^,]+), \[?(?P<qualifier>[^,\[\]]+)\]?")


def display_name(pref_name: str) -> str:
    """The name to show for a ChEMBL preferred name; "" for a blank one, where a page shows the ChEMBL ID."""
    name = " ".join(pref_name.split()).upper()
    if not name:
        return ""
    inverted = _INVERTED.fullmatch(name)
    if inverted:
        name = f"{inverted['qualifier']} {inverted['head']}"
    chars = [char.lower() for char in name]
    for pattern in (_LETTER_ALONE, _PAIRED_STEREO, _ROMAN, _CODE, _ACRONYM):
        for match in pattern.finditer(name):
            chars[match.start() : match.end()] = match.group()
    for match in _RADIONUCLIDE.finditer(name):
        if match["symbol"].title() in ELEMENT_SYMBOLS:
            chars[match.start() : match.end()] = (
                match["symbol"].title() + match["sep"] + match["mass"] + match["meta"].lower()
            )
    return _capitalise_name_proper("".join(chars))


def _capitalise_name_proper(text: str) -> str:
    """Capitalise the first letter, unless the name starts with a locant, stereodescriptor or italic prefix."""
    first = re.match(r"[^\W\d_]+", text)
    if first is None:
        return text  # starts with a digit or a parenthesis: a locant or stereodescriptor ("5-", "(S)-")
    following = text[first.end() : first.end() + 1]
    prefix = first.group().isupper() or first.group() in ITALIC_PREFIXES
    if prefix and following and following in "-,)":
        return text  # "N-", "L-", "DL-", "trans-": the prefix keeps its case, the name proper stays lower case
    return text[0].upper() + text[1:]
