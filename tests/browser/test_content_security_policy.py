"""The main pages run under the Content-Security-Policy in Chromium without a single violation.

Each page records the browser's ``securitypolicyviolation`` events into ``window.__csp`` from
before its first script, and the console's errors about the policy are collected too: a page
passes when both stay empty after it has done its work (the live preview refreshed, Swagger UI
listed the operations, ReDoc drew the API).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories, states

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} `
                    + `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


@pytest.fixture
def site(db, author, editor, reviewers, topic):
    factories.SourceFactory(key="will2018", title="Mechanical low back pain", doi="10.1000/back.2018")
    published = factories.ArticleFactory(
        author=author, topic=topic, title="Heat for back spasms", body="Heat helps [@will2018]."
    )
    published = states.approved(
        states.under_review(states.submitted(published, author), editor, reviewers[:2]), reviewers[:2]
    )
    reviewing = factories.ArticleFactory(author=author, topic=topic, title="Sleep after surgery")
    reviewing = states.under_review(states.submitted(reviewing, author), editor, reviewers[:2])
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    return {"published": published, "reviewing": reviewing, "reviewer": reviewers[0].user, "admin": admin}


class Watched:
    """A page whose policy violations and console errors about the policy are collected."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__csp || []") + self.console

    def goto(self, url: str):
        self.console.clear()
        return self.page.goto(url)


# ReDoc's menu footer always asks cdn.redoc.ly for its maker's logo: the policy refuses it, as
# it should (nothing comes from outside), and ReDoc hides the broken image.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def assert_clean(watched: Watched, where: str, *, refused: str = "") -> None:
    violations = [v for v in watched.violations() if not (refused and refused in v and "img-src" in v)]
    assert violations == [], f"{where}: Content-Security-Policy violations"


def test_the_public_pages_run_without_violations(browser, live_server, site):
    context = browser.new_context()
    watched = Watched(context.new_page())
    page = watched.page

    watched.goto(f"{live_server.url}/articles/")
    expect(page.get_by_role("link", name="Heat for back spasms")).to_be_visible()
    assert_clean(watched, "public list")

    watched.goto(f"{live_server.url}/articles/{site['published'].slug}/")
    expect(page.locator("ol.references > li")).to_have_count(1)
    # The JSON-LD block is data: present, and nothing reports it.
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert_clean(watched, "public article")
    context.close()


def test_the_editorial_pages_and_the_admin_run_without_violations(login, live_server, site, author):
    watched = Watched(login(author))
    page = watched.page

    watched.goto(f"{live_server.url}/editorial/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_clean(watched, "dashboard")

    watched.goto(f"{live_server.url}/editorial/articles/new/")
    page.get_by_label("Title", exact=True).fill("Cold packs")
    page.get_by_label("Body (Markdown)").fill("Cold packs numb the pain [@will2018].")
    expect(page.locator("#preview ol.references > li")).to_have_count(1)  # the live preview ran
    expect(page.locator("#citation-check")).to_contain_text("1 source cited")
    assert page.locator("head style").count() == 0  # htmx added no <style>
    assert page.evaluate("htmx.config.allowEval") is False
    assert_clean(watched, "article editor")

    reviewer = Watched(login(site["reviewer"]))
    reviewer.goto(f"{live_server.url}/editorial/articles/{site['reviewing'].pk}/review/")
    expect(reviewer.page.get_by_role("heading", name="Conflict of interest")).to_be_visible()
    reviewer.page.get_by_label("Yes: I have a conflict of interest").check()  # shows the statement box
    expect(reviewer.page.locator("[data-conflict-statement]")).to_be_visible()
    assert_clean(reviewer, "review page")

    admin = Watched(login(site["admin"]))
    admin.goto(f"{live_server.url}/admin/articles/article/")
    expect(admin.page.locator("#result_list")).to_contain_text("Sleep after surgery")
    admin.page.locator("#result_list input.action-select").first.check()  # the admin's own scripts run
    expect(admin.page.locator(".action-counter")).to_contain_text("1 of")
    assert_clean(admin, "admin changelist")
    admin.goto(f"{live_server.url}/admin/articles/article/{site['reviewing'].pk}/change/")
    expect(admin.page.locator("#article_form")).to_be_visible()
    assert_clean(admin, "admin change form")


def test_the_api_docs_render_from_local_files_without_violations(browser, live_server, db):
    context = browser.new_context()
    watched = Watched(context.new_page())
    page = watched.page
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith(("data:", "blob:"))
            else None
        ),
    )

    watched.goto(f"{live_server.url}/api/v1/docs/")
    # Swagger UI read the schema and listed the operations.
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/articles/").first).to_be_visible()
    assert_clean(watched, "Swagger UI")

    watched.goto(f"{live_server.url}/api/v1/redoc/")
    expect(page.get_by_role("heading", name="Editorial review API")).to_be_visible()
    expect(page.get_by_role("menuitem").first).to_be_visible()
    assert page.locator("head style[data-styled]").count() > 0  # ReDoc's styles were let in
    page.get_by_placeholder("Search...").fill("sources")  # its search worker runs
    expect(
        page.locator("[data-role='search:results'], .search-results, [role=search] ~ *").first
    ).to_be_visible()
    assert_clean(watched, "ReDoc", refused=REDOC_LOGO)
    assert set(outside) <= {REDOC_LOGO}, "something was asked from another host"
    context.close()
