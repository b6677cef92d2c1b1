"""Shared fixtures: users in each role, a topic, an article reaching states by real transitions."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories, states
from tests.processes import shared_database  # noqa: F401 (a fixture for tests with a second process)


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests elsewhere, saying why."""
    vendor = connection.vendor
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run")
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches: no cached responses, content version or throttle
    counts carried over."""
    from django.core.cache import caches

    for alias in ("default", "local"):
        caches[alias].clear()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


def content_queries(captured) -> list[dict]:
    """The queries a request made for its content: without the read of the content version,
    which a process makes at most once a second (``public.freshness``, tested on its own)."""
    return [query for query in captured.captured_queries if "public_contentchange" not in query["sql"]]


@pytest.fixture
def django_assert_num_queries():
    """pytest-django's fixture of this name, counting ``content_queries``."""

    @contextmanager
    def assert_num_queries(num: int, exact: bool = True):
        with CaptureQueriesContext(connection) as context:
            yield context
        made = content_queries(context)
        failed = len(made) != num if exact else len(made) > num
        if failed:
            sqls = "\n\n".join(query["sql"] for query in made)
            pytest.fail(f"Expected {num} queries{'' if exact else ' or less'}, {len(made)} were made:\n{sqls}")

    return assert_num_queries


@pytest.fixture
def topic(db):
    return factories.SpecialtyFactory(name="Oncology", slug="oncology")


@pytest.fixture
def other_topic(db):
    return factories.SpecialtyFactory(name="Pharmacology", slug="pharmacology")


@pytest.fixture
def editor(db):
    return factories.EditorFactory(username="eve")


@pytest.fixture
def author(db):
    return factories.AuthorFactory(username="alice")


@pytest.fixture
def coauthor(db):
    return factories.AuthorFactory(username="bob")


@pytest.fixture
def reviewers(db, topic, other_topic):
    """Three active board members: one of the article's specialty, two of another."""
    return [
        factories.BoardMemberFactory(user__username="dr_baker", credentials="MD", specialties=[topic]),
        factories.BoardMemberFactory(user__username="dr_chen", credentials="PharmD", specialties=[other_topic]),
        factories.BoardMemberFactory(user__username="dr_diaz", credentials="MD", specialties=[other_topic]),
    ]


@pytest.fixture
def article(db, author, topic):
    return factories.ArticleFactory(author=author, topic=topic)


@pytest.fixture
def submitted(article, author):
    return states.submitted(article, author)


@pytest.fixture
def under_review(submitted, editor, reviewers):
    return states.under_review(submitted, editor, reviewers[:2])


@pytest.fixture
def approved(under_review, reviewers):
    return states.approved(under_review, reviewers[:2])


def pytest_sessionfinish(session, exitstatus):
    """In CI, a suite whose browser, Redis or nginx tests were skipped is not a green suite."""
    required = {
        "browser": os.environ.get("REQUIRE_BROWSER_TESTS") == "1",
        "redis": os.environ.get("REQUIRE_REDIS_TESTS") == "1",
        "nginx": os.environ.get("REQUIRE_NGINX_TESTS") == "1",
    }
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or session.config.option.collectonly:
        return
    passed = reporter.stats.get("passed", [])
    for marker, needed in required.items():
        if not needed:
            continue
        ran = [r for r in passed if marker in r.keywords]
        selected = [i for i in session.items if marker in i.keywords]
        if selected and not ran:
            reporter.write_line(f"FAIL: the {marker} tests were selected but none ran and passed", red=True)
            session.exitstatus = 1
