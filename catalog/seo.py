"""What search engines and other machines read: structured data, sitemaps and robots.txt."""

import json

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from .models import Compound, SolubilityBasis

# The same escapes Django's json_script uses: no "</script>" or "<!--" can end the data block early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block; safe whatever text the data holds."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_SCRIPT_ESCAPES)
    # Safe to mark: the payload's <, > and & are escaped above.
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


def compound_structured_data(compound: Compound, request: HttpRequest) -> dict:
    """schema.org data: the catalog product and the chemical it is (MolecularEntity)."""
    page_url = request.build_absolute_uri(compound.get_absolute_url())
    image_url = request.build_absolute_uri(reverse("catalog:compound-structure-svg", kwargs={"slug": compound.slug}))
    substance = {
        "@type": "MolecularEntity",
        "@id": f"{page_url}#substance",
        "name": compound.name,
        "url": page_url,
        "molecularFormula": compound.molecular_formula,
        "molecularWeight": {
            "@type": "QuantitativeValue",
            "value": float(compound.molecular_weight),
            "unitText": "g/mol",
        },
        "image": image_url,
    }
    optional = {
        "iupacName": compound.iupac_name,
        "inChI": compound.inchi,
        "inChIKey": compound.inchikey,
        "smiles": compound.isomeric_smiles or compound.smiles,
    }
    substance.update({key: value for key, value in optional.items() if value})
    if compound.monoisotopic_mass is not None:
        substance["monoisotopicMolecularWeight"] = {
            "@type": "QuantitativeValue",
            "value": float(compound.monoisotopic_mass),
            "unitText": "Da",
        }
    known = [("CAS", compound.cas_number), ("ChEMBL", compound.chembl_id)]
    identifiers = [{"@type": "PropertyValue", "propertyID": name, "value": value} for name, value in known if value]
    if identifiers:
        substance["identifier"] = identifiers[0] if len(identifiers) == 1 else identifiers
    if compound.chembl_id:
        substance["sameAs"] = compound.chembl_url
    synonyms = [synonym.name for synonym in compound.synonyms.all()]
    if synonyms:
        substance["alternateName"] = synonyms
    product = {
        "@type": "Product",
        "@id": f"{page_url}#product",
        "name": compound.name,
        "sku": compound.catalog_number,
        "url": page_url,
        "image": image_url,
        "category": "Research chemicals",
        "description": f"{compound.name} for research use only. Not for human or veterinary use.",
        "about": {"@id": f"{page_url}#substance"},
    }
    properties = additional_properties(compound)
    if properties:
        product["additionalProperty"] = properties
    return {"@context": "https://schema.org", "@graph": [product, substance, breadcrumbs(compound, request)]}


def breadcrumbs(compound: Compound, request: HttpRequest) -> dict:
    """schema.org BreadcrumbList of the trail the page shows (templates/catalog/includes/breadcrumbs.html)."""
    trail = [
        ("Home", reverse("home")),
        ("Compounds", reverse("catalog:compound-list")),
        (compound.name, compound.get_absolute_url()),
    ]
    items = [
        {"@type": "ListItem", "position": n, "name": name, "item": request.build_absolute_uri(path)}
        for n, (name, path) in enumerate(trail, start=1)
    ]
    return {"@type": "BreadcrumbList", "itemListElement": items}


def _property(name: str, value, *, unit: str = "", technique: str) -> dict:
    entry = {"@type": "PropertyValue", "name": name, "value": value, "measurementTechnique": technique}
    return entry | ({"unitText": unit} if unit else {})


def additional_properties(compound: Compound) -> list[dict]:
    """Computed properties and the measured solubility as schema.org PropertyValues (on the Product: a
    MolecularEntity has no additionalProperty), each saying how it was obtained."""
    entries = []
    if compound.first_approval_year:
        entries.append(_property("First approval (year)", compound.first_approval_year, technique="ChEMBL"))
    if compound.has_properties:
        of = " of the parent (free base or acid)" if compound.properties_are_of_parent else ""
        technique = f"Computed by RDKit {compound.properties_rdkit_version} from the structure{of}"
        entries += [
            _property("cLogP (Wildman-Crippen)", float(compound.clogp), technique=technique),
            _property("Topological polar surface area", float(compound.tpsa), unit="Å²", technique=technique),
            _property("Hydrogen-bond donors (Lipinski, NH and OH)", compound.hbd, technique=technique),
            _property("Hydrogen-bond acceptors (Lipinski, N and O)", compound.hba, technique=technique),
            _property("Rotatable bonds", compound.rotatable_bonds, technique=technique),
            _property("Heavy atoms", compound.heavy_atoms, technique=technique),
            _property("Formal charge", compound.formal_charge, technique=technique),
            _property("Rule-of-five violations", compound.ro5_violations, technique=technique),
        ]
    if compound.has_solubility:
        on_parent = compound.solubility_basis == SolubilityBasis.PARENT
        of = "its parent (free base or acid)" if on_parent else "this compound"
        entries.append(
            _property(
                "Aqueous solubility, log S",
                float(compound.solubility_log_s),
                unit="log(mol/L)",
                technique=f"Measured on {of}: {compound.solubility_source}",
            )
        )
    return entries


class CompoundSitemap(Sitemap):
    """Every compound page; Django pages it at `limit` URLs per file (the sitemap protocol's maximum)."""

    limit = 50_000
    changefreq = "weekly"

    def items(self):
        return Compound.objects.order_by("pk").only("slug", "updated_at")

    def lastmod(self, compound: Compound):
        return compound.updated_at


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["home", "catalog:compound-list", "calculator:page", "about-data"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "compounds": CompoundSitemap}


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """One sitemap while every URL fits in one file; a sitemap index once they do not."""
    if CompoundSitemap().paginator.num_pages > 1:
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")
    return sitemap_views.sitemap(request, SITEMAPS)


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # The admin's path is deliberately not named here: it is configurable so that it stays unlisted.
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
