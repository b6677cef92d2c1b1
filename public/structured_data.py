"""JSON-LD ``MedicalWebPage`` for article pages (schema.org), built from the same data as the page."""

from __future__ import annotations

import json
from urllib.parse import urljoin

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.models import Audience
from public.publications import PublicArticle

# schema.org: a page for patients is for the ``Patient`` audience, one for professionals for
# ``Clinician`` (a MedicalAudienceType).
MEDICAL_AUDIENCE = {Audience.PATIENT: "Patient", Audience.PROFESSIONAL: "Clinician"}

# Escapes that keep JSON inert inside <script>: no "</script>", no HTML comment or CDATA opener.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def medical_web_page(article: PublicArticle, *, url: str, site_name: str) -> dict:
    """The schema.org ``MedicalWebPage`` describing ``article`` as its page shows it."""
    publication = article.publication
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "headline": publication.title,
        "name": publication.title,
        "description": publication.summary,
        "inLanguage": "en",
        "about": {"@type": "MedicalSpecialty", "name": publication.topic_name},
        "medicalAudience": {
            "@type": "MedicalAudience",
            "audienceType": MEDICAL_AUDIENCE.get(publication.audience, "Patient"),
        },
        "author": [{"@type": "Person", "name": author["name"]} for author in publication.authors],
        "reviewedBy": [
            {
                "@type": "Person",
                "name": reviewer["name"],
                **_member_links(reviewer.get("slug", ""), reviewer.get("orcid", ""), base=url),
                "hasCredential": {
                    "@type": "EducationalOccupationalCredential",
                    "credentialCategory": "degree",
                    "name": reviewer["credentials"],
                },
                **({"knowsAbout": reviewer["specialties"]} if reviewer.get("specialties") else {}),
            }
            for reviewer in publication.reviewers
        ],
        "lastReviewed": publication.last_reviewed_at.date().isoformat(),
        "datePublished": publication.first_published_at.isoformat(),
        "dateModified": publication.last_modified_at.isoformat(),
        "publisher": {"@type": "Organization", "name": site_name},
        "citation": [_citation(reference) for reference in article.references],
    }


def _member_links(slug: str, orcid: str, *, base: str) -> dict:
    """The member's board page (``url``) and ORCID record (``sameAs``), when known."""
    links = {}
    if slug:
        links["url"] = urljoin(base, reverse("public:board-member", kwargs={"slug": slug}))
    if orcid:
        links["sameAs"] = f"https://orcid.org/{orcid}"
        links["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": orcid}
    return links


def board_person(member, *, url: str) -> dict:
    """The schema.org ``Person`` of a board member's page: the same facts as ``reviewedBy``."""
    return {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": member.display_name,
        **_member_links(member.slug, member.orcid, base=url),
        "hasCredential": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "degree",
            "name": member.credentials,
        },
        "knowsAbout": [specialty.name for specialty in member.specialties.all()],
        **({"description": member.bio} if member.bio else {}),
    }


def _citation(reference: dict) -> dict:
    work = {"@type": "CreativeWork", "name": reference["formatted"], "position": reference["number"]}
    identifiers = []
    if reference.get("doi"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": reference["doi"]})
        work["sameAs"] = f"https://doi.org/{reference['doi']}"
    if reference.get("pmid"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": reference["pmid"]})
    if identifiers:
        work["identifier"] = identifiers
    if reference.get("url"):
        work["url"] = reference["url"]
    return work


def json_ld_script(data: dict) -> SafeString:
    """``<script type="application/ld+json">`` holding ``data``, safe to place in HTML."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')
