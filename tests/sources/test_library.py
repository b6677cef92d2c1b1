"""The shared source library: identifiers, duplicates and keys, through the service and the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from articles.library import sources as library_sources
from articles.models import Source
from tests import factories, states
from tests.sources.conftest import citing_article

pytestmark = pytest.mark.django_db


def test_create_normalises_identifiers_and_records_who_added_it(author):
    source = library_sources.source_create(
        actor=author,
        data={
            "title": "What low back pain is and why we need to pay attention",
            "authors": [{"family": "Hartvigsen", "given": "Jan"}],
            "year": 2018,
            "doi": "https://doi.org/10.1016/S0140-6736(18)30480-X",
            "pmid": "PMID: 029573870",
            "pmcid": "pmc8477273",
        },
    )

    assert (source.doi, source.pmid, source.pmcid) == (
        "10.1016/s0140-6736(18)30480-x",
        "29573870",
        "PMC8477273",
    )
    assert source.key == "hartvigsen2018"
    record = source.history.get()
    assert (record.history_user, record.history_change_reason) == (author, "created")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "10.1016", "'10.1016' is not a DOI"),
        ("doi", "doi:11.1000/xyz", "'doi:11.1000/xyz' is not a DOI"),
        ("pmid", "30252425a", "'30252425a' is not a PMID"),
        ("pmcid", "PMX123", "'PMX123' is not a PMCID"),
    ],
)
def test_a_bad_identifier_is_refused_with_its_value_named(author, field, value, message):
    with pytest.raises(ValidationError) as caught:
        library_sources.source_create(actor=author, data={"title": "A trial", field: value})

    assert message in caught.value.message_dict[field][0]
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("field", "stored", "given"),
    [
        ("doi", "10.1056/nejmoa2307563", "https://doi.org/10.1056/NEJMoa2307563"),
        ("doi", "10.1056/nejmoa2307563", "doi:10.1056/NEJMOA2307563"),
        ("pmid", "37952131", "037952131"),
    ],
)
def test_a_second_source_with_the_same_identifier_names_the_existing_one(author, field, stored, given):
    existing = factories.SourceFactory(
        key="lincoff2023", title="Semaglutide and cardiovascular outcomes", **{field: stored}
    )

    with pytest.raises(library_sources.DuplicateSource) as caught:
        library_sources.source_create(actor=author, data={"title": "Same trial, typed again", field: given})

    assert caught.value.existing == existing
    assert caught.value.field == field
    message = caught.value.message_dict[field][0]
    assert f"already belongs to source {existing.pk}: [@lincoff2023] Semaglutide" in message
    assert Source.objects.count() == 1


def test_the_database_refuses_a_duplicate_doi_or_pmid_whoever_writes():
    factories.SourceFactory(doi="10.1056/nejmoa2307563", pmid="37952131")

    for duplicate in ({"doi": "10.1056/nejmoa2307563"}, {"pmid": "37952131"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Source.objects.create(key=f"copy{len(duplicate)}", title="Copy", **duplicate)


def test_many_sources_may_have_no_doi_or_pmid():
    factories.SourceFactory(doi="", pmid="")
    factories.SourceFactory(doi="", pmid="")

    assert Source.objects.filter(doi="", pmid="").count() == 2


def test_a_lost_race_on_the_constraint_names_the_winner(author, monkeypatch):
    """Two requests pass the duplicate check at once; the loser's insert hits the constraint."""
    winner = factories.SourceFactory(key="lincoff2023", doi="10.1056/nejmoa2307563")
    real_find = library_sources.find_duplicate
    calls = []

    def blind_first_time(source):
        calls.append(source)
        return None if len(calls) == 1 else real_find(source)

    monkeypatch.setattr(library_sources, "find_duplicate", blind_first_time)

    with pytest.raises(library_sources.DuplicateSource) as caught:
        library_sources.source_create(actor=author, data={"title": "Copy", "doi": "10.1056/NEJMoa2307563"})

    assert caught.value.existing == winner
    assert Source.objects.count() == 1


def test_generated_keys_get_a_letter_when_taken(author):
    data = {
        "title": "Mechanical low back pain",
        "authors": [{"family": "Will", "given": "Jeffrey S"}],
        "year": 2018,
    }
    keys = [library_sources.source_create(actor=author, data={**data, "title": f"Part {n}"}).key for n in range(3)]

    assert keys == ["will2018", "will2018a", "will2018b"]


def test_a_key_given_twice_is_refused_naming_its_holder(author, will):
    with pytest.raises(library_sources.DuplicateSource) as caught:
        library_sources.source_create(actor=author, data={"key": "will2018", "title": "Another paper"})

    assert caught.value.field == "key"
    assert caught.value.existing == will


def test_only_writers_add_sources(db, reviewers):
    with pytest.raises(PermissionDenied):
        library_sources.source_create(actor=reviewers[0].user, data={"title": "A trial"})


def test_update_checks_identifiers_and_duplicates_like_create(author, will, mehra):
    with pytest.raises(library_sources.DuplicateSource) as caught:
        library_sources.source_update(actor=author, source=will, changes={"pmid": mehra.pmid})
    assert caught.value.existing == mehra

    updated = library_sources.source_update(actor=author, source=will, changes={"doi": "DOI:10.1000/AFP.98.7"})
    assert updated.doi == "10.1000/afp.98.7"
    assert updated.history.latest().history_change_reason == "edited: doi"


def test_the_key_of_a_cited_source_cannot_change(author, topic, will):
    citing_article(will, author=author, topic=topic)

    with pytest.raises(ValidationError, match="is cited by articles; its key cannot change"):
        library_sources.source_update(actor=author, source=will, changes={"key": "will2018x"})


def test_after_submission_only_an_editor_may_change_a_cited_source(author, editor, topic, will):
    states.submitted(citing_article(will, author=author, topic=topic), author)

    with pytest.raises(PermissionDenied):
        library_sources.source_update(actor=author, source=will, changes={"pages": "421-429"})
    assert library_sources.source_update(actor=editor, source=will, changes={"pages": "421-429"}).pages == "421-429"
