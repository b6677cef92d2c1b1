"""Single pages in Chromium: access refused with a readable 404, the diff view, a phone layout."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles import services
from tests import factories, states
from tests.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def board(db):
    topic = factories.SpecialtyFactory(name="Oncology", slug="oncology")
    author = factories.AuthorFactory(username="alice")
    editor = factories.EditorFactory(username="eve")
    members = [
        factories.BoardMemberFactory(
            user__username=f"dr_{name}", display_name=f"Dr. {name.title()}", specialties=[topic]
        )
        for name in ("baker", "chen", "diaz")
    ]
    factories.SourceFactory(key="will2018", title="Mechanical low back pain", doi="10.1000/back.2018")
    article = factories.ArticleFactory(
        author=author, topic=topic, body="Back spasms are common during chemotherapy [@will2018]."
    )
    article = states.under_review(states.submitted(article, author), editor, members[:2])
    return {"author": author, "editor": editor, "members": members, "article": article}


def test_a_reviewer_cannot_open_an_article_not_assigned_to_them(login, live_server, board):
    outsider = login(board["members"][2].user)

    response = outsider.goto(f"{live_server.url}/editorial/articles/{board['article'].pk}/review/")

    assert response.status == 404
    expect(outsider.get_by_role("heading", name="Page not found")).to_be_visible()
    assert board["article"].title not in outsider.content()


def test_the_history_view_highlights_an_edit(login, live_server, board, screenshot):
    article, author = board["article"], board["author"]
    article = states.changes_requested(
        article, board["editor"], board["members"][0], comments="Say how common."
    )
    services.article_update_content(
        actor=author,
        article=article,
        changes={"body": "Back spasms affect one in three people during chemotherapy [@will2018]."},
    )
    page = login(author)

    page.goto(f"{live_server.url}/editorial/articles/{article.pk}/history/")

    # The rendered article, word by word inside the changed paragraph.
    changed = page.locator(".diff-block.diff-replace")
    expect(changed.locator("del")).to_have_text("are common")
    expect(changed.locator("ins")).to_have_text("affect one in three people")
    expect(changed.locator("ins")).to_have_css("background-color", "rgb(212, 244, 220)")
    screenshot(page, "11-history-inline-diff")
    page.get_by_label("Side by side").check()
    page.get_by_role("button", name="Compare").click()
    expect(changed.locator(".diff-old")).to_contain_text("are common")
    expect(changed.locator(".diff-new ins")).to_have_text("affect one in three people")
    screenshot(page, "12-history-side-by-side")


def test_the_keyboard_alone_logs_in_and_reaches_the_review(browser, live_server, board, screenshot):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/editorial/")  # redirected to the login form

    page.get_by_label("Username").focus()
    page.keyboard.type("dr_baker")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/editorial/")
    screenshot(page, "13-phone-reviewer-dashboard")

    link = page.get_by_role("link", name=board["article"].title)
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Conflict of interest")).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "14-phone-review-page")
    context.close()


def test_a_user_creates_an_api_token_and_sees_its_key_once(login, live_server, board, screenshot):
    page = login(board["author"])

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Reference manager")
    page.get_by_role("button", name="Create token").click()

    key = page.locator(".token-key").inner_text()
    assert len(key) == 40
    expect(page.get_by_role("cell", name="Reference manager", exact=True)).to_be_visible()
    screenshot(page, "15-api-tokens")
    page.goto(f"{live_server.url}/editorial/tokens/")
    assert key not in page.content()


def test_repeated_wrong_passwords_pause_the_login(browser, live_server, board, screenshot):
    context = browser.new_context()
    page = context.new_page()
    for attempt in range(10):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Login paused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed attempts for this account")
    screenshot(page, "16-login-paused")
    context.close()
