"""What search engines and other machines read: structured data, sitemaps and robots.txt."""

import json

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from .models import Compound

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
    if compound.cas_number:
        substance["identifier"] = {"@type": "PropertyValue", "propertyID": "CAS", "value": compound.cas_number}
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
    return {"@context": "https://schema.org", "@graph": [product, substance]}


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
        return ["home", "catalog:compound-list", "calculator:page"]

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
