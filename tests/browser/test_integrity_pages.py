"""Signing on a phone, and the public review record a reader checks, in Chromium at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews.models import Signature
from tests import factories, states
from tests.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def reviewing(db):
    topic = factories.SpecialtyFactory(name="Oncology", slug="oncology")
    author = factories.AuthorFactory(username="alice")
    editor = factories.EditorFactory(username="eve")
    members = [
        factories.BoardMemberFactory(
            user__username=f"dr_{name}", display_name=f"Dr. {name.title()}", specialties=[topic]
        )
        for name in ("baker", "chen")
    ]
    factories.SourceFactory(key="will2018", title="Mechanical low back pain", doi="10.1000/back.2018")
    article = factories.ArticleFactory(
        author=author, topic=topic, body="Back spasms are common during chemotherapy [@will2018]."
    )
    article = states.under_review(states.submitted(article, author), editor, members)
    return article, members


def test_a_reviewer_signs_on_a_phone_after_reading_what_signing_means(login, live_server, reviewing, screenshot):
    article, members = reviewing
    states.sign(article, members[1])
    page = login(members[0].user, viewport=PHONE)
    page.goto(f"{live_server.url}/editorial/articles/{article.pk}/review/")
    page.get_by_label("No: I have no financial or personal interest in this content").check()
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.get_by_text("Signing is your electronic signature")).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_label("I have reviewed this content and its sources for medical accuracy").check()
    page.get_by_label("Your password, to sign").fill("not my password")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("the one given is wrong")).to_be_visible()
    screenshot(page, "17-phone-signature-refused")
    assert not Signature.objects.filter(signer=members[0].user).exists()

    page.get_by_label("I have reviewed this content and its sources for medical accuracy").check()
    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("the article is now published")).to_be_visible()

    reader = page.context.browser.new_context(viewport=PHONE).new_page()
    reader.goto(f"{live_server.url}/articles/{article.slug}/")
    reader.get_by_role("link", name="Review record").click()
    expect(reader.get_by_text("Verified")).to_be_visible()
    expect(reader.get_by_text(str(Signature.objects.get(signer=members[0].user).pk))).to_be_visible()
    screenshot(reader, "18-phone-review-record")
    reader.context.close()
