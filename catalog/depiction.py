"""2D structure depictions drawn by RDKit, as accessible SVG fit to inline in a page.

RDKit's SVG is rewritten on the way out: no XML declaration (it is inlined in HTML), no background
rectangle, and every ``style="..."`` attribute turned into presentation attributes, so a strict
Content-Security-Policy (no inline styles) leaves the drawing intact. The drawing gets
``role="img"`` with a ``<title>`` and ``<desc>`` naming the compound and its formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from rdkit import Chem
from rdkit.Chem.Draw import rdMolDraw2D

from .chemistry import mol_from_smiles, rdkit_coordinates

# Bump when the drawing code changes, so stored depictions are redrawn on the next save.
DEPICTION_VERSION = "2"


@dataclass(frozen=True)
class Canvas:
    """The drawing's size and the size of its (R)/(S) labels relative to the atom labels."""

    width: int
    height: int
    annotation_font_scale: float = 0.5  # RDKit's default
    min_font_size: int = 6  # RDKit's default, in pixels
    version: str = DEPICTION_VERSION  # part of a cached drawing's key: bump when these change


# The page's drawing, stored with the compound. At this size the stereo labels are about 7 px tall.
PAGE = Canvas(320, 240)
# The larger view: the stereo labels at 0.8 of the atom labels and atom labels at least 18 px, so (R) and (S)
# come out over 20 px tall and can be read.
LARGE = Canvas(800, 600, annotation_font_scale=0.8, min_font_size=18, version="large-1")

_STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(['"])(.*?)\1""")
_BACKGROUND_RECT = re.compile(r"<rect\b[^>]*>(?:</rect>)?\s*")
_HEADER = re.compile(r"<\?xml[^>]*\?>\s*")
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_FREE_TEXT_LABELS = ("molFileAlias", "_displayLabel", "_displayLabelW", "atomLabel", "atomNote")


def _presentation_attributes(match: re.Match) -> str:
    """``style='fill:none;stroke:#000'`` → ``fill="none" stroke="#000"``."""
    attributes = []
    for declaration in match.group(2).split(";"):
        if ":" not in declaration:
            continue
        prop, value = (part.strip() for part in declaration.split(":", 1))
        if re.fullmatch(r"[a-z-]+", prop):
            attributes.append(f" {prop}={quoteattr(value)}")
    return "".join(attributes)


def draw_svg(
    smiles: str,
    *,
    title: str,
    description: str,
    id_prefix: str,
    canvas: Canvas = PAGE,
    highlight_atoms: tuple[int, ...] = (),
) -> str:
    """The structure as an SVG string with an accessible name; every component of a salt is drawn.

    Laid out by RDKit's own depictor, never CoordGen (whose time is unbounded on macrocycles): set
    here, so the process-wide CoordGen preference cannot change the drawing. Its cost is bounded by
    the size limits ``mol_from_smiles`` applies. ``highlight_atoms`` (indices in the SMILES's atom
    order) are drawn highlighted, with the bonds between them: a substructure match.
    """
    mol = mol_from_smiles(smiles)
    rdkit_coordinates(mol)
    atoms = [index for index in highlight_atoms if 0 <= index < mol.GetNumAtoms()]
    bonds = [
        bond.GetIdx() for bond in mol.GetBonds() if bond.GetBeginAtomIdx() in atoms and bond.GetEndAtomIdx() in atoms
    ]
    drawing = _drawing(mol, canvas, highlight_atoms=atoms, highlight_bonds=bonds)
    return _accessible(drawing, canvas, title, description, id_prefix)


def draw_query_svg(mol: Chem.Mol, *, title: str, description: str, id_prefix: str) -> str:
    """A search query as parsed (a molecule, or a SMARTS pattern's query atoms), drawn as ``draw_svg`` draws.

    The query was bounded by the search's own limits when it was read. A pattern that cannot be laid out
    or kekulised raises ``ValueError`` (RDKit's errors are turned into it).
    """
    mol = Chem.Mol(mol)
    for atom in mol.GetAtoms():  # free text a MOL block may carry, which RDKit would draw as the atom's label
        for label in _FREE_TEXT_LABELS:
            if atom.HasProp(label):
                atom.ClearProp(label)
    try:
        mol.UpdatePropertyCache(strict=False)
        rdkit_coordinates(mol)
        drawing = _drawing(mol, PAGE, kekulize=mol.GetNumAtoms() > 0 and not _is_query(mol))
    except (RuntimeError, ValueError) as error:  # RDKit raises these for a pattern it cannot draw
        raise ValueError(f"RDKit cannot draw this query: {error}") from None
    return _accessible(drawing, PAGE, title, description, id_prefix)


def _is_query(mol: Chem.Mol) -> bool:
    return any(atom.HasQuery() for atom in mol.GetAtoms())


def _drawing(mol: Chem.Mol, canvas: Canvas, *, kekulize: bool = True, highlight_atoms=(), highlight_bonds=()) -> str:
    drawer = rdMolDraw2D.MolDraw2DSVG(canvas.width, canvas.height)
    options = drawer.drawOptions()
    options.clearBackground = False
    options.annotationFontScale = canvas.annotation_font_scale
    options.minFontSize = canvas.min_font_size
    options.addStereoAnnotation = True  # shows (R)/(S) at stereocentres, which the checks compare
    rdMolDraw2D.PrepareAndDrawMolecule(
        drawer, mol, highlightAtoms=list(highlight_atoms), highlightBonds=list(highlight_bonds), kekulize=kekulize
    )
    drawer.FinishDrawing()
    return drawer.GetDrawingText()


def _accessible(svg: str, canvas: Canvas, title: str, description: str, id_prefix: str) -> str:
    """RDKit's SVG made fit to inline under a strict CSP, with a role, a title and a description."""
    svg = _HEADER.sub("", svg)
    svg = _COMMENT.sub("", svg)
    svg = _BACKGROUND_RECT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    svg = svg.replace(" xml:space='preserve'", "")
    # Unused namespace declarations that an HTML validator rejects on inline SVG.
    svg = re.sub(r"""\s+xmlns:(?:rdkit|xlink)=(['"])[^'"]*\1""", "", svg)
    svg = re.sub(r"width='\d+px' height='\d+px'", f"width='{canvas.width}' height='{canvas.height}'", svg, count=1)

    # role, name and description go on the opening tag; <title> and <desc> must be its first children.
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    opening_end = svg.index(">", svg.index("<svg")) + 1
    attributes = svg[len("<svg") : opening_end - 1]
    return (
        f'<svg role="img" aria-labelledby="{title_id} {desc_id}" class="structure-svg"{attributes}>'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>' + svg[opening_end:]
    )
