"""The scheduled Retraction Watch sync, against a local stub serving the recorded CSV."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import RetractionWatchRecord, RetractionWatchSync, Source, SourceNotice
from reviews import retraction_sync, tasks
from tests import factories
from tests.sources.stub_server import StubServer

CSV = (Path(__file__).parent / "data" / "retraction_watch.csv").read_bytes()


@pytest.fixture
def mehra(db):
    return factories.SourceFactory(key="mehra2020", doi="10.1016/s0140-6736(20)31180-6", pmid="32450107")


@pytest.fixture
def stub(settings):
    with StubServer(
        {"/retractionwatch.csv": (200, {"ETag": '"v1"', "Content-Type": "text/csv"}, CSV)}
    ) as server:
        settings.RETRACTION_WATCH_URL = server.url + "/retractionwatch.csv"
        yield server


def test_the_sync_is_off_by_default(settings, db):
    settings.RETRACTION_WATCH_URL = ""
    assert retraction_sync.sync_retraction_watch() is None
    assert tasks.sync_retraction_watch() == {"off": True}
    assert not RetractionWatchSync.objects.exists()


def test_the_sync_retracts_matching_sources_and_records_notices(stub, mehra, capsys):
    call_command("sync_retraction_watch", "--no-progress")

    mehra.refresh_from_db()
    assert str(mehra.retracted_on) == "2020-06-05"
    assert SourceNotice.objects.filter(source=mehra, kind="expression_of_concern").exists()
    assert RetractionWatchRecord.objects.count() == 6
    assert "Read 6 rows; applied 6 new or changed" in capsys.readouterr().out


def test_a_second_run_sends_its_validators_and_applies_nothing_when_nothing_changed(stub, mehra):
    retraction_sync.sync_retraction_watch()
    with CaptureQueriesContext(connection) as queries:
        second = retraction_sync.sync_retraction_watch()

    assert second.summary == {"unchanged": True} and second.changed == 0
    assert stub.requests[1][1].get("If-None-Match") == '"v1"'
    assert not any("articles_source" in query["sql"] and "UPDATE" in query["sql"] for query in queries)


def test_only_changed_rows_and_rows_of_new_sources_are_applied(stub, mehra, settings):
    retraction_sync.sync_retraction_watch()
    notices = SourceNotice.objects.filter(source=mehra).count()
    edited = CSV.replace(b"Authors could not verify the data", b"The authors could not verify the data")
    stub.routes["/retractionwatch.csv"] = (200, {"ETag": '"v2"'}, edited)
    factories.SourceFactory(key="wakefield1998", doi="10.1016/s0140-6736(97)11096-0", pmid="9500320")

    sync = retraction_sync.sync_retraction_watch()

    # The edited row, the row of the new source, and the other row of the source the first run
    # retracted (changed since that run started: checked again, which changes nothing).
    assert (sync.rows, sync.changed) == (6, 3)
    assert SourceNotice.objects.filter(source=mehra).count() == notices
    assert Source.objects.get(key="wakefield1998").is_retracted


def test_a_run_stopped_half_way_is_finished_by_the_next(stub, mehra, monkeypatch):
    monkeypatch.setattr(retraction_sync, "CHUNK_ROWS", 2)
    real_apply = retraction_sync._apply_chunk
    calls = []

    def apply_then_stop(chunk, total):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_apply(chunk, total)

    with (
        mock.patch.object(retraction_sync, "_apply_chunk", apply_then_stop),
        pytest.raises(KeyboardInterrupt),
    ):
        retraction_sync.sync_retraction_watch()
    assert RetractionWatchRecord.objects.count() == 2

    sync = retraction_sync.sync_retraction_watch()

    assert sync.changed == 4  # the rows the stopped run had not applied
    assert RetractionWatchRecord.objects.count() == 6
    mehra.refresh_from_db()
    assert mehra.is_retracted


def test_an_unreachable_url_is_a_clear_command_error(settings, db):
    from django.core.management.base import CommandError

    settings.RETRACTION_WATCH_URL = "http://127.0.0.1:9/retractionwatch.csv"
    with pytest.raises(CommandError, match="could not be reached"):
        call_command("sync_retraction_watch", "--no-progress")
