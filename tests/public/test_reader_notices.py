"""Notices for readers are written from facts (what happened, when, what the board does next):
never citation keys, the editors' notes or reasons, and never beside a contradicting date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Publication
from reviews import retractions, workflow


def page(client, article) -> str:
    response = client.get(reverse("public:article-detail", kwargs={"slug": article.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_rereview_page_shows_the_step_and_no_contradicting_date(client, published, editor):
    workflow.flag_for_rereview(actor=editor, article=published, reason="Internal: Dr Chen disagrees.")
    html = page(client, published)

    assert "Internal" not in html and "Dr Chen disagrees" not in html
    assert "Under re-review since" in html
    assert "Next review due" not in html
    assert (
        'class="step step-current" aria-current="step">\n        <span class="step-label">Under Re-review'
        in html
    )


def test_a_retracted_source_is_told_once_in_readers_words(client, published, editor):
    source = Publication.objects.get(article=published).published_citations.order_by("number").first().source
    retractions.retract_source(
        actor=editor,
        source=source,
        retracted_on=timezone.localdate(),
        notice="10.1000/notice.1",
        reason="Data fabrication suspected by the editors",
    )
    body = client.get(reverse("public-article-detail", kwargs={"slug": published.slug})).json()
    html = page(client, published)

    assert [notice["kind"] for notice in body["notices"]] == ["retracted_source"]
    message = body["notices"][0]["message"]
    assert message.startswith("Reference 1 (") and "reviewing the article again" in message
    for internal in ("[@", source.key, "fabrication", "10.1000/notice.1", "Cited source retracted"):
        assert internal not in message
        assert internal not in html.split('<div class="notices">')[1].split("</div>")[0]


def test_a_scheduled_rereview_names_the_date_it_was_due(client, published, monkeypatch):
    due = Publication.objects.get(article=published).next_review_due
    later = due + timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    from reviews import reminders

    [flagged] = reminders.flag_due_reviews(today=later)
    assert flagged.pk == published.pk
    body = client.get(reverse("public-article-detail", kwargs={"slug": published.slug})).json()

    [notice] = body["notices"]
    assert "was due for its scheduled review on" in notice["message"]
    assert "Scheduled review" not in notice["message"]
    assert notice["date"] == due.isoformat()


@pytest.mark.parametrize("status", ["approved", "review_due"])
def test_the_tracker_names_the_current_step(status):
    from public.views import review_tracker

    steps = review_tracker(status)
    current = [step["label"] for step in steps if step["state"] == "current"]
    assert current == (["Approved"] if status == "approved" else ["Under Re-review"])
