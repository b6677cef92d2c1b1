"""An import checks the file with reads only, then writes it in batches of their own: what the
check reports is what the write does, a source added between the passes is matched, and an
import stopped half-way is finished by running it again."""

from __future__ import annotations

import io

import pytest

from articles.library import importing
from articles.models import Source
from tests import factories

pytestmark = pytest.mark.django_db


def ris(*records: tuple[str, str, str]) -> str:
    """An RIS file of (key, title, DOI) records."""
    return "".join(
        f"TY  - JOUR\nID  - {key}\nTI  - {title}\nPY  - 2020\n"
        + (f"DO  - {doi}\n" if doi else "")
        + "ER  - \n\n"
        for key, title, doi in records
    )


# Same key, another work, two batches apart; the same DOI again, three batches apart.
FILE = ris(
    ("smith2020", "First work", "10.1000/one"),
    ("jones2020", "Second work", ""),
    ("smith2020", "Another work by Smith", "10.1000/two"),
    ("smith2020", "A third work by Smith", ""),
    ("again2020", "First work again", "10.1000/one"),
)


def rows(summary: importing.ImportSummary) -> tuple[list, list]:
    created = [(row["line"], row["key"]) for row in summary.created]
    matched = [(row["line"], row["key"], row["by"], row["in_file"]) for row in summary.matched]
    return created, matched


def test_a_dry_run_reports_what_the_import_then_does():
    factories.SourceFactory(key="smith2020", title="A library work by Smith", doi="", pmid="")

    dry = importing.import_sources(io.StringIO(FILE), "ris", dry_run=True)
    real = importing.import_sources(io.StringIO(FILE), "ris")

    assert rows(dry) == rows(real)
    assert rows(real) == (
        [(1, "smith2020a"), (8, "jones2020"), (14, "smith2020b"), (21, "smith2020c")],
        [(27, "smith2020a", "doi", True)],
    )
    assert [row["id"] for row in dry.created] == [None] * 4
    assert all(row["id"] for row in real.created)


def test_batches_of_the_write_match_the_entries_of_the_batches_before():
    factories.SourceFactory(key="smith2020", title="A library work by Smith", doi="", pmid="")

    real = importing.import_sources(io.StringIO(FILE), "ris", batch_size=1)

    assert rows(real) == (
        [(1, "smith2020a"), (8, "jones2020"), (14, "smith2020b"), (21, "smith2020c")],
        [(27, "smith2020a", "doi", True)],
    )


def test_the_check_writes_nothing_and_the_write_one_batch_at_a_time():
    counts = []

    importing.import_sources(
        io.StringIO(FILE),
        "ris",
        batch_size=2,
        progress=lambda summary: counts.append((summary.phase, Source.objects.count())),
    )

    assert counts == [("check", 0), ("check", 0), ("check", 0), ("write", 2), ("write", 4), ("write", 4)]


def test_a_source_added_between_the_passes_is_matched_not_refused():
    def add_between(summary):
        if summary.phase == "check" and summary.read == 5:
            factories.SourceFactory(key="taken", title="Another work by Smith", doi="10.1000/two")

    summary = importing.import_sources(io.StringIO(FILE), "ris", batch_size=2, progress=add_between)

    assert summary.imported
    assert summary.rejected_count == 0
    assert (14, "taken", "doi", False) in rows(summary)[1]
    assert Source.objects.filter(doi="10.1000/two").count() == 1


class Stop(Exception):
    pass


def test_an_import_stopped_half_way_kept_whole_batches_and_running_it_again_finishes_it():
    def stop_after_one_batch(summary):
        if summary.phase == "write":
            raise Stop

    with pytest.raises(Stop):
        importing.import_sources(io.StringIO(FILE), "ris", batch_size=2, progress=stop_after_one_batch)
    assert sorted(Source.objects.values_list("key", flat=True)) == ["jones2020", "smith2020"]

    again = importing.import_sources(io.StringIO(FILE), "ris", batch_size=2)

    created, matched = rows(again)
    assert created == [(14, "smith2020a"), (21, "smith2020b")]
    assert [(line, key, by) for line, key, by, _in_file in matched] == [
        (1, "smith2020", "doi"),
        (8, "jones2020", "key"),
        (27, "smith2020", "doi"),
    ]
    assert Source.objects.count() == 4


def test_a_rejected_entry_stops_the_import_after_the_check():
    phases = []
    bad = FILE + "TY  - JOUR\nTI  - Bad\nDO  - not a doi\nER  - \n"

    summary = importing.import_sources(
        io.StringIO(bad), "ris", batch_size=2, progress=lambda s: phases.append(s.phase)
    )

    assert not summary.imported
    assert set(phases) == {"check"}
    assert (summary.read, summary.rejected_count) == (6, 1)
    assert not Source.objects.exists()


def test_a_partial_import_skips_the_check():
    phases = []

    summary = importing.import_sources(
        io.StringIO(FILE), "ris", partial=True, batch_size=2, progress=lambda s: phases.append(s.phase)
    )

    assert summary.imported
    assert set(phases) == {"write"}


def test_an_import_needs_a_stream_it_can_read_twice():
    class OneWay(io.StringIO):
        def seekable(self):
            return False

    with pytest.raises(ValueError, match="reads its file twice"):
        importing.import_sources(OneWay(FILE), "ris")
    assert importing.import_sources(OneWay(FILE), "ris", dry_run=True).created_count == 4
