"""The board in public: /board/ and /board/{slug}/, reviewer names linking there, JSON-LD alike."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.orcid import normalize_orcid


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("000000021694233x", "0000-0002-1694-233X"),
        ("", ""),
    ],
)
def test_an_orcid_id_is_normalised(given, expected):
    assert normalize_orcid(given) == expected


@pytest.mark.parametrize("bad", ["0000-0002-1825-0098", "1234", "0000-0002-1825-009"])
def test_an_orcid_id_with_a_wrong_check_digit_or_shape_is_refused(bad):
    with pytest.raises(ValidationError, match="ORCID"):
        normalize_orcid(bad)


@pytest.fixture
def profiled(reviewers):
    member = reviewers[0]
    member.bio = "Dr Baker treats cancer pain and leads the hospital's supportive care team."
    member.orcid = "0000-0002-1825-0097"
    member.save()
    return member


def test_the_board_page_lists_members_with_links(client, profiled):
    html = client.get(reverse("public:board")).content.decode()
    assert f'href="/board/{profiled.slug}/"' in html
    assert profiled.credentials in html


def test_a_member_page_shows_credentials_biography_orcid_and_reviews(client, profiled, publish):
    article = publish(references=1)
    html = client.get(reverse("public:board-member", kwargs={"slug": profiled.slug})).content.decode()

    assert profiled.display_name in html and profiled.credentials in html
    assert "supportive care team" in html
    assert "https://orcid.org/0000-0002-1825-0097" in html
    assert f'href="/articles/{article.slug}/"' in html
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    person = json.loads(ld)
    assert person["sameAs"] == "https://orcid.org/0000-0002-1825-0097"
    assert person["url"].endswith(f"/board/{profiled.slug}/")


def test_an_unknown_member_is_a_404(client, db):
    assert client.get(reverse("public:board-member", kwargs={"slug": "nobody"})).status_code == 404


def test_reviewer_names_link_to_the_board_and_json_ld_says_the_same(client, profiled, publish):
    article = publish(references=1)
    html = client.get(reverse("public:article-detail", kwargs={"slug": article.slug})).content.decode()

    assert f'<a class="reviewer-name" href="/board/{profiled.slug}/">{profiled.display_name}</a>' in html
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    reviewed_by = {person["name"]: person for person in json.loads(ld)["reviewedBy"]}
    baker = reviewed_by[profiled.display_name]
    assert baker["url"].endswith(f"/board/{profiled.slug}/")
    assert baker["sameAs"] == "https://orcid.org/0000-0002-1825-0097"

    api = client.get(reverse("public-article-detail", kwargs={"slug": article.slug})).json()
    [listed] = [r for r in api["reviewers"] if r["name"] == profiled.display_name]
    assert (listed["slug"], listed["orcid"]) == (profiled.slug, "0000-0002-1825-0097")
