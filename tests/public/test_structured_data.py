"""The JSON-LD MedicalWebPage of an article page agrees with what the page shows."""

from __future__ import annotations

import json
import re
from datetime import datetime

from public.structured_data import json_ld_script


def json_ld(html: str) -> dict:
    [payload] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(payload)


def times_in(html: str, css_class: str) -> list[str]:
    block = re.search(rf'<dd class="{css_class}">(.*?)</dd>', html, re.S).group(1)
    return re.findall(r'<time datetime="([^"]+)"', block)


def test_the_medical_web_page_matches_the_visible_page(client, publish, other_topic):
    article = publish("Drug interactions", on_topic=other_topic, audience="professional", references=4)
    html = client.get(f"/articles/{article.slug}/").content.decode()
    data = json_ld(html)

    assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalWebPage"
    assert data["headline"] == re.search(r'<h1 id="article-title">([^<]+)</h1>', html).group(1)
    assert data["about"]["name"] == re.search(r'<span class="topic">([^<]+)</span>', html).group(1)
    assert data["medicalAudience"]["audienceType"] == "Clinician"
    assert "For health professionals" in html
    assert [a["name"] for a in data["author"]] == re.findall(r'<span class="author">([^<]+)</span>', html)

    shown_reviewers = re.findall(
        r'Medically reviewed by <(?:span|a) class="reviewer-name"[^>]*>([^<]+)</(?:span|a)>, '
        r'<span class="reviewer-credentials">([^<]+)</span>',
        html,
    )
    assert [(r["name"], r["hasCredential"]["name"]) for r in data["reviewedBy"]] == shown_reviewers
    assert all(r["@type"] == "Person" for r in data["reviewedBy"])

    [published_at] = times_in(html, "date-published")
    [modified_at] = times_in(html, "date-modified")
    [reviewed_at] = times_in(html, "date-reviewed")
    assert datetime.fromisoformat(data["datePublished"]) == datetime.fromisoformat(published_at)
    assert datetime.fromisoformat(data["dateModified"]) == datetime.fromisoformat(modified_at)
    assert data["lastReviewed"] == datetime.fromisoformat(reviewed_at).date().isoformat()

    shown_references = re.findall(r'<li id="ref-(\d+)" value="\d+">', html)
    assert [str(c["position"]) for c in data["citation"]] == shown_references == ["1", "2", "3", "4"]
    for citation in data["citation"]:
        doi = next(i["value"] for i in citation["identifier"] if i["propertyID"] == "DOI")
        assert f'href="https://doi.org/{doi}"' in html
        assert citation["name"].startswith("Will JS.")


def test_patient_pages_are_for_the_patient_audience(client, published):
    html = client.get(f"/articles/{published.slug}/").content.decode()

    assert json_ld(html)["medicalAudience"]["audienceType"] == "Patient"


def test_json_ld_cannot_break_out_of_its_script():
    script = json_ld_script({"headline": "</script><script>alert(1)</script> & <!--"})

    assert script.count("</script>") == 1
    assert json.loads(script[len('<script type="application/ld+json">') : -len("</script>")]) == {
        "headline": "</script><script>alert(1)</script> & <!--"
    }
