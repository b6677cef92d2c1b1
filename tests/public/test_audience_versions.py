"""Audience versions: an article names its counterpart for the other audience (each reviewed on
its own); the page offers "Which best describes you?", the API gives ``audience_variants``, the
list filters by audience and the disclaimer fits the audience."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article


@pytest.fixture
def pair(publish, editor):
    patient = publish("Back pain: what helps", audience="patient", references=1)
    professional = publish("Low back pain: management in primary care", audience="professional", references=1)
    services.article_set_audience_counterpart(actor=editor, article=patient, counterpart=professional)
    return patient, professional


def test_linking_is_symmetric_and_changes_no_review(pair):
    patient, professional = (Article.objects.get(pk=a.pk) for a in pair)
    assert patient.audience_counterpart_id == professional.pk
    assert professional.audience_counterpart_id == patient.pk
    assert patient.status == professional.status == "approved"


def test_a_counterpart_must_be_for_the_other_audience(publish, editor):
    first = publish("One", audience="patient")
    second = publish("Two", audience="patient")
    with pytest.raises(ValidationError, match="other audience"):
        services.article_set_audience_counterpart(actor=editor, article=first, counterpart=second)


def test_only_an_editor_or_the_author_of_both_links_them(publish, reviewers):
    first = publish("One", audience="patient")
    second = publish("Two", audience="professional")
    with pytest.raises(PermissionDenied):
        services.article_set_audience_counterpart(actor=reviewers[0].user, article=first, counterpart=second)


def test_the_api_gives_both_versions(client, pair):
    patient, professional = pair
    body = client.get(reverse("public-article-detail", kwargs={"slug": professional.slug})).json()
    assert body["audience_variants"] == [
        {"audience": "patient", "slug": patient.slug},
        {"audience": "professional", "slug": professional.slug},
    ]


def test_an_article_without_a_counterpart_has_no_variants(client, publish):
    article = publish("Alone")
    body = client.get(reverse("public-article-detail", kwargs={"slug": article.slug})).json()
    assert body["audience_variants"] == []


def test_the_page_offers_the_switch_in_one_query_and_fits_the_disclaimer(client, pair, settings):
    patient, professional = pair
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("public:article-detail", kwargs={"slug": patient.slug})).content.decode()
    # The content version is read once after a change in this process (public.freshness).
    reads = [q["sql"] for q in queries if "public_contentchange" not in q["sql"]]
    assert len(reads) == 1

    assert "Which best describes you?" in html
    assert (
        f'<a class="audience-option" href="/articles/{professional.slug}/">I&#x27;m a health professional</a>'
        in html
    )
    assert '<span class="audience-option" aria-current="page">I&#x27;m a patient or caregiver</span>' in html
    assert settings.MEDICAL_DISCLAIMER.split(".")[0] in html

    other = client.get(reverse("public:article-detail", kwargs={"slug": professional.slug})).content.decode()
    assert "for health professionals. It supports" in other
    assert settings.MEDICAL_DISCLAIMER.split(".")[0] not in other


def test_the_list_filters_by_audience(client, pair):
    patient, professional = pair
    html = client.get(reverse("public:article-list") + "?audience=professional").content.decode()
    assert professional.title in html and patient.title not in html


def test_an_editor_links_the_versions_in_the_editorial_app(client, publish, editor):
    patient = publish("Back pain: what helps", audience="patient")
    professional = publish("Low back pain in primary care", audience="professional")
    client.force_login(editor)
    url = reverse("editorial:audience_counterpart", kwargs={"pk": patient.pk})

    assert client.post(url, {"counterpart": professional.pk}).status_code == 302
    assert Article.objects.get(pk=professional.pk).audience_counterpart_id == patient.pk
    assert client.post(url, {"counterpart": ""}).status_code == 302
    assert Article.objects.get(pk=professional.pk).audience_counterpart_id is None
