"""Concurrent writers of the library, with real threads and PostgreSQL connections.

The duplicate check and the insert are two statements, so simultaneous requests can all pass the
check; the database constraint then refuses all but one, and the losers answer the same 400 as a
plain duplicate (naming the winner) or match it, never a 500 and never a second row.
"""

from __future__ import annotations

import threading

import pytest

from articles.library import importing
from articles.library import sources as library_sources
from articles.models import Source
from tests import factories
from tests.sources.conftest import DATA, client_for
from tests.threads import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_creates_of_one_doi_store_it_once_and_name_the_winner(monkeypatch):
    authors = [factories.AuthorFactory() for _ in range(6)]
    # Hold every request between its duplicate check and its insert until all have checked.
    checked = threading.Barrier(len(authors))
    seen = threading.local()
    real_find = library_sources.find_duplicate

    def find_then_wait(source):
        found = real_find(source)
        if not getattr(seen, "checked", False):  # the losers look again after the constraint refused them
            seen.checked = True
            checked.wait(timeout=30)
        return found

    monkeypatch.setattr(library_sources, "find_duplicate", find_then_wait)

    def create(user):
        def call():
            response = client_for(user).post(
                "/api/v1/editorial/sources/",
                {"title": "Semaglutide and cardiovascular outcomes", "doi": "10.1056/NEJMoa2307563"},
                format="json",
            )
            return response.status_code, response.data

        return call

    results = run_at_once([create(user) for user in authors])

    codes = sorted(code for code, _data in results)
    assert codes == [201] + [400] * (len(authors) - 1), results
    winner = Source.objects.get()
    for code, data in results:
        if code == 400:
            assert data["existing_source"]["id"] == winner.pk
            assert "already belongs to source" in data["doi"][0]


def test_two_imports_of_one_file_at_once_create_each_source_once():
    def run_import():
        with open(DATA / "library.bib", encoding="utf-8") as stream:
            return importing.import_sources(stream, "bibtex")

    results = run_at_once([run_import, run_import])

    assert Source.objects.count() == 4
    assert sorted((r.created_count, r.matched_count) for r in results) == [(0, 4), (4, 0)]
    assert all(r.imported and r.rejected_count == 0 for r in results)
