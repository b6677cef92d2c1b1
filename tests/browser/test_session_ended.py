"""The session ends while an author writes: nothing is lost, nothing takes the focus.

The live preview shows a notice instead of the login page, the text is kept in the browser,
*Create draft* goes through the login page and back to a form filled with the kept text, and
saving forgets the kept copy.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from articles.models import Article
from tests import factories
from tests.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOTICE = "Your session has ended. Your text is kept in this browser; log in again to save it."
TITLE = "Heat for back spasms"
BODY = "Heat wraps ease the spasms within minutes."


def kept_copy(page, key: str):
    return page.evaluate("(key) => localStorage.getItem(key)", key)


def test_an_ended_session_keeps_the_text_through_the_login_page(
    login, live_server, author, topic, screenshot
):
    page = login(author)
    key = f"editorial:{author.pk}:new"
    page.goto(f"{live_server.url}/editorial/articles/new/")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Topic").select_option(label="Oncology")
    body = page.get_by_label("Body (Markdown)")
    body.fill("Heat wraps ease the spasms")
    expect(page.locator("#preview")).to_contain_text("Heat wraps ease the spasms")
    assert TITLE in kept_copy(page, key)

    # The session ends on the server (as when it expires); the author goes on typing.
    Session.objects.all().delete()
    body.press("Control+End")
    body.press_sequentially(" within minutes.")

    notice = page.locator(".preview-panel [data-session-ended]")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(NOTICE)
    expect(notice.get_by_role("link", name="log in again")).to_have_attribute(
        "href", "/accounts/login/?next=/editorial/articles/new/"
    )
    expect(body).to_be_focused()  # nothing took the focus
    expect(page.locator("#id_username")).to_have_count(0)  # no login page in the preview
    expect(page.locator("#preview")).to_contain_text("Heat wraps ease the spasms")  # the last preview stays
    assert BODY in kept_copy(page, key)
    screenshot(page, "15-session-ended-notice")
    page.set_viewport_size(PHONE)
    expect(notice).to_be_in_viewport()  # at the foot of a phone's screen, seen while typing
    screenshot(page, "16-phone-session-ended-notice")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Create draft: the login page, then back to the form, filled from the kept copy.
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/?next=/editorial/articles/new/")
    page.get_by_label("Username").fill(author.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/editorial/articles/new/")
    expect(page.get_by_role("status").filter(has_text="Restored the text you had not saved.")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Body (Markdown)")).to_have_value(BODY)
    expect(page.get_by_label("Topic").locator("option:checked")).to_have_text("Oncology")
    expect(page.locator("#preview")).to_contain_text(BODY)
    screenshot(page, "17-restored-after-login")

    # Saved: the server has the text, and the browser forgets its copy.
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator(".message-success", has_text="created")).to_be_visible()
    article = Article.objects.get(title=TITLE)
    assert article.body == BODY
    assert kept_copy(page, key) is None
    expect(page.locator("[data-kept-copy-restored]")).to_be_hidden()


def test_an_older_form_is_filled_from_the_kept_copy_which_can_be_discarded(login, live_server, author, topic):
    article = factories.ArticleFactory(author=author, topic=topic, title="Cold packs", body="Saved text.")
    key = f"editorial:{author.pk}:article-{article.pk}"
    page = login(author)
    url = f"{live_server.url}/editorial/articles/{article.pk}/edit/"
    page.goto(url)
    body = page.get_by_label("Body (Markdown)")
    body.fill("Unsaved text.")
    expect(page.locator("#preview")).to_contain_text("Unsaved text.")

    page.goto(url)  # the server still has the older text

    expect(page.get_by_text("Restored the text you had not saved.")).to_be_visible()
    expect(body).to_have_value("Unsaved text.")
    page.get_by_role("button", name="Discard it").click()
    expect(body).to_have_value("Saved text.")
    expect(page.locator("#preview")).to_contain_text("Saved text.")
    assert kept_copy(page, key) is None

    body.fill("Typed again.")
    assert "Typed again." in kept_copy(page, key)
    page.get_by_role("button", name="Log out").click()  # a deliberate log-out forgets the copies
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert kept_copy(page, key) is None
    article.refresh_from_db()
    assert article.body == "Saved text."
