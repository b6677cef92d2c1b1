"""Every response carries a strict Content-Security-Policy, and no template needs it loosened."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from csp.utils import build_policy
from django.conf import settings
from django.test import Client

from tests import factories, states

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path
    for app in ("articles", "reviews", "public", "demo")
    if (path := Path(settings.BASE_DIR) / app / "templates").is_dir()
]
# Emails are read in mail programs, which drop <style> blocks and apply no Content-Security-Policy:
# their layout has to be written in style attributes.
EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
# The only template that may carry a nonce, and why: ReDoc writes its styles as <style> elements
# at run time (editorial.api_docs).
NONCE_TEMPLATES = {"drf_spectacular/redoc.html"}


def directives(header: str) -> dict[str, list[str]]:
    """``"default-src 'self'; img-src 'self' data:"`` as ``{"default-src": ["'self'"], ...}``."""
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(header: str, where: str) -> dict[str, list[str]]:
    """The site's policy: our own files only, no inline code, no eval, no plugins, no framing."""
    policy = directives(header)
    assert policy["default-src"] == ["'self'"], where
    for directive in ("script-src", "style-src"):
        sources = policy.get(directive, policy["default-src"])
        assert "'unsafe-inline'" not in sources, f"{where}: {directive} allows inline code"
        assert "'unsafe-eval'" not in sources, f"{where}: {directive} allows eval"
        assert "'unsafe-hashes'" not in sources, f"{where}: {directive} allows event attributes"
        assert "*" not in sources and not any(s.startswith(("http:", "https:")) for s in sources), where
    for loosening in ("script-src-elem", "script-src-attr", "style-src-elem", "style-src-attr"):
        assert loosening not in policy, f"{where}: {loosening} overrides script-src or style-src"
    assert policy["script-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'self'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["form-action"] == ["'self'"], where
    assert set(policy.get("img-src", ["'self'"])) <= {"'self'", "data:"}, where
    return policy


@pytest.fixture
def site(author, editor, reviewers, topic):
    """A published article and one under review, with a reviewer and a superuser to look at them."""
    published = states.approved(
        states.under_review(
            states.submitted(factories.ArticleFactory(author=author, topic=topic), author),
            editor,
            reviewers[:2],
        ),
        reviewers[:2],
    )
    reviewing = states.under_review(
        states.submitted(factories.ArticleFactory(author=author, topic=topic), author), editor, reviewers[:2]
    )
    draft = factories.ArticleFactory(author=author, topic=topic)
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    return {
        "published": published,
        "reviewing": reviewing,
        "draft": draft,
        "reviewer": reviewers[0].user,
        "admin": admin,
    }


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_kind_of_page_carries_a_strict_policy(site, author, editor):
    anonymous = client_for()
    pages = {
        "public list": (anonymous, "/articles/"),
        "public article": (anonymous, f"/articles/{site['published'].slug}/"),
        "editorial policy": (anonymous, "/editorial-policy/"),
        "feed": (anonymous, "/feeds/articles.atom"),
        "public API": (anonymous, "/api/v1/articles/"),
        "not found": (anonymous, "/articles/no-such-article/"),
        "login": (anonymous, "/accounts/login/"),
        "editorial dashboard": (client_for(editor), "/editorial/"),
        "new article form": (client_for(author), "/editorial/articles/new/"),
        "article edit form": (client_for(author), f"/editorial/articles/{site['draft'].pk}/edit/"),
        "article history": (client_for(author), f"/editorial/articles/{site['reviewing'].pk}/history/"),
        "review page": (client_for(site["reviewer"]), f"/editorial/articles/{site['reviewing'].pk}/review/"),
        "admin changelist": (client_for(site["admin"]), "/admin/articles/article/"),
        "admin change form": (
            client_for(site["admin"]),
            f"/admin/articles/article/{site['reviewing'].pk}/change/",
        ),
        "Swagger UI": (anonymous, "/api/v1/docs/"),
        "Swagger UI's script": (anonymous, "/api/v1/docs/?script"),
        "ReDoc": (anonymous, "/api/v1/redoc/"),
    }
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), f"{name}: {response.status_code}"
        assert "Content-Security-Policy" in response, f"{name} has no Content-Security-Policy"
        assert_strict(response["Content-Security-Policy"], name)


def test_a_public_article_keeps_its_structured_data(site):
    # JSON-LD is data: browsers do not run a script of that type, so script-src does not block it.
    response = client_for().get(f"/articles/{site['published'].slug}/")

    assert '<script type="application/ld+json">' in response.content.decode()
    assert_strict(response["Content-Security-Policy"], "public article")


def test_only_the_api_docs_widen_the_policy_and_only_for_their_own_libraries():
    client = client_for()
    site_wide = directives(client.get("/articles/")["Content-Security-Policy"])
    assert site_wide["img-src"] == ["'self'"] and site_wide["style-src"] == ["'self'"]
    assert "worker-src" not in site_wide

    swagger = client.get("/api/v1/docs/")
    html = swagger.content.decode()
    assert directives(swagger["Content-Security-Policy"])["img-src"] == ["'self'", "data:"]
    assert '<script src="/api/v1/docs/?script="></script>' in html
    assert "<style" not in html and not re.search(r"<script>\s*\S", html)
    script = client.get("/api/v1/docs/?script")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()

    redoc = client.get("/api/v1/redoc/")
    policy = directives(redoc["Content-Security-Policy"])
    nonces = [s for s in policy["style-src"] if s.startswith("'nonce-")]
    assert policy["style-src"][0] == "'self'" and len(nonces) == 1
    assert policy["worker-src"] == ["blob:"]
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    assert f'src="/static/js/redoc-init.js" nonce="{nonce}"' in redoc.content.decode()
    assert "<style" not in redoc.content.decode()
    # A nonce is good for one response only.
    assert nonce not in client.get("/api/v1/redoc/")["Content-Security-Policy"]


def test_the_site_policy_is_django_csps_for_the_settings_in_force(client, settings):
    # editorial.csp builds the site-wide header once: it must be the one django-csp would build.
    assert client.get("/editorial-policy/")["Content-Security-Policy"] == build_policy()

    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": ["'self'", "https://img.test"],
        }
    }
    header = client.get("/editorial-policy/")["Content-Security-Policy"]
    assert header == build_policy()
    assert directives(header)["img-src"] == ["'self'", "https://img.test"]


def templates() -> list[tuple[str, Path]]:
    """Each HTML template but the emails, with the name a view would render it by."""
    return sorted(
        (str(path.relative_to(directory)), path)
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        if not path.is_relative_to(EMAIL_TEMPLATES)
    )


def test_no_template_has_inline_code_or_styles():
    found = templates()
    assert len(found) > 30  # the scan sees the templates
    problems = []
    for name, path in found:
        # Template comments may name what they avoid.
        html = re.sub(r"{% comment %}.*?{% endcomment %}|{#.*?#}", "", path.read_text(), flags=re.S)
        for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I):
            if body.strip():
                problems.append(f"{name}: inline <script> with code")
            if not re.search(r"\bsrc=", attributes):
                problems.append(f"{name}: <script> without src")
        if re.search(r"<style\b", html, flags=re.I):
            problems.append(f"{name}: <style> block")
        if re.search(r"\sstyle\s*=", html, flags=re.I):
            problems.append(f"{name}: style= attribute")
        if match := re.search(r"\s(on[a-z]+)\s*=", html, flags=re.I):
            problems.append(f"{name}: {match.group(1)}= event attribute")
        if re.search(r"\shx-on\b|\bjavascript:|\bjs:", html, flags=re.I):
            problems.append(f"{name}: code in an attribute (hx-on, javascript: or js:)")
        if re.search(r"\snonce\s*=", html, flags=re.I) and name not in NONCE_TEMPLATES:
            problems.append(f"{name}: a nonce outside {sorted(NONCE_TEMPLATES)}")
    assert problems == []
