"""A retracted source pulls every approved article citing it back into review, and blocks the rest."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from articles.library import retraction_watch
from articles.library.citations import MalformedFile
from articles.models import NoticeKind, Source, SourceNotice, Status
from reviews import retractions, tasks, workflow
from reviews.models import Notification, NotificationKind, TransitionLog
from tests import factories, states
from tests.sources.conftest import DATA, approved_citing, citing_article

pytestmark = pytest.mark.django_db

NOTICE = "https://doi.org/10.1016/S0140-6736(20)31324-6"
REASON = "The authors could not verify the Surgisphere data."


@pytest.fixture
def published(mehra, author, editor, reviewers, topic):
    return approved_citing(mehra, author=author, editor=editor, reviewers=reviewers, topic=topic)


def retract(source, actor, **overrides):
    return retractions.retract_source(
        actor=actor,
        source=source,
        retracted_on=overrides.pop("retracted_on", date(2020, 6, 5)),
        notice=overrides.pop("notice", NOTICE),
        reason=overrides.pop("reason", REASON),
        **overrides,
    )


# The workflow rule ---------------------------------------------------------------------------


def test_retraction_moves_the_approved_citing_article_to_review_due_with_the_reason(
    published, mehra, editor, author
):
    flagged = retract(mehra, editor)

    assert flagged == [published]
    published.refresh_from_db()
    assert published.status == Status.REVIEW_DUE
    expected = (
        "Cited source retracted: [@mehra2020] Hydroxychloroquine or chloroquine with or without a macrolide "
        "for treatment of COVID-19: a multinational registry analysis (retracted 2020-06-05; notice "
        "https://doi.org/10.1016/s0140-6736(20)31324-6): The authors could not verify the Surgisphere data."
    )
    assert published.review_due_reason == expected
    entry = TransitionLog.objects.filter(article=published).latest("at", "pk")
    assert (entry.action, entry.from_status, entry.to_status, entry.actor, entry.comment) == (
        "flag_for_rereview",
        "approved",
        "review_due",
        editor,
        expected,
    )
    assert published.publications.current().exists()  # the public page stays, with a notice


def test_retraction_records_the_source_fields_history_and_notice(published, mehra, editor):
    retract(mehra, editor)

    mehra.refresh_from_db()
    assert (mehra.retracted_on, mehra.retraction_notice, mehra.retraction_reason) == (
        date(2020, 6, 5),
        "https://doi.org/10.1016/s0140-6736(20)31324-6",
        REASON,
    )
    record = mehra.history.latest()
    assert record.history_user == editor
    assert record.history_change_reason.startswith("retracted: The authors could not verify")
    notice = SourceNotice.objects.get(source=mehra)
    assert (notice.kind, notice.date, notice.notice) == (
        NoticeKind.RETRACTION,
        date(2020, 6, 5),
        mehra.retraction_notice,
    )


def test_retraction_notifies_the_editors_and_authors(published, mehra, editor, author, coauthor):
    retract(mehra, editor)

    rows = Notification.objects.filter(kind=NotificationKind.SOURCE_RETRACTED, article=published)
    assert {row.recipient for row in rows} == {editor, author}
    payload = rows.first().payload
    assert payload | {"source": None} == {
        "source": None,
        "key": "mehra2020",
        "title": mehra.title,
        "retracted_on": "2020-06-05",
        "notice": "https://doi.org/10.1016/s0140-6736(20)31324-6",
        "reason": REASON,
        "flagged_for_rereview": True,
    }
    # The one notification says the review is due too; no second "review due" message.
    assert not Notification.objects.filter(kind=NotificationKind.REVIEW_DUE, article=published).exists()


def test_the_system_may_retract_without_an_actor(published, mehra):
    assert retract(mehra, None) == [published]
    assert TransitionLog.objects.filter(article=published).latest("at", "pk").actor is None


def test_only_an_editor_may_retract_a_source(published, mehra, author):
    with pytest.raises(PermissionDenied):
        retract(mehra, author)

    mehra.refresh_from_db()
    published.refresh_from_db()
    assert (mehra.retracted_on, published.status) == (None, Status.APPROVED)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"retracted_on": None}, "retracted_on", "Give the date of the retraction."),
        ({"retracted_on": date.today() + timedelta(days=2)}, "retracted_on", "cannot be in the future"),
        ({"notice": "Lancet 2020;395:1820"}, "notice", "is neither a DOI (10.1234/abc) nor an http(s) URL"),
    ],
)
def test_bad_retraction_details_are_refused_and_change_nothing(
    published, mehra, editor, overrides, field, message
):
    with pytest.raises(ValidationError) as caught:
        retract(mehra, editor, **overrides)

    assert message in caught.value.message_dict[field][0]
    published.refresh_from_db()
    assert published.status == Status.APPROVED


def test_retracting_again_changes_nothing_and_flags_no_one(published, mehra, editor):
    retract(mehra, editor)
    log_size = TransitionLog.objects.count()

    assert retract(mehra, editor) == []
    assert TransitionLog.objects.count() == log_size
    assert SourceNotice.objects.filter(source=mehra).count() == 1
    assert mehra.history.count() == 2  # created, retracted


# Articles in progress ------------------------------------------------------------------------


def test_a_draft_citing_a_retracted_source_cannot_be_submitted(mehra, editor, author, topic):
    draft = citing_article(mehra, author=author, topic=topic)
    retract(mehra, editor)

    with pytest.raises(workflow.CitationErrors) as caught:
        workflow.submit(actor=author, article=draft)

    assert caught.value.message_dict["citations"] == [
        f"[@mehra2020] cites a retracted source: {mehra.title}."
    ]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_article_under_review_stays_there_and_cannot_be_approved(mehra, editor, author, reviewers, topic):
    article = states.under_review(
        states.submitted(citing_article(mehra, author=author, topic=topic), author), editor, reviewers[:2]
    )

    assert retract(mehra, editor) == []  # not moved: it is not approved
    assert Notification.objects.filter(
        kind=NotificationKind.SOURCE_RETRACTED,
        article=article,
        recipient=author,
        payload__flagged_for_rereview=False,
    ).exists()

    states.sign(article, reviewers[0])
    result = states.sign(article, reviewers[1])  # the quorum is there, but not on a clean reference list
    assert result.article.status == Status.UNDER_REVIEW
    with pytest.raises(TransitionNotAllowed, match=r"replacing the retracted source \[@mehra2020\]"):
        workflow.approve(actor=editor, article=article, password=states.PASSWORD)
    assert not workflow.can_approve(editor, article)


def test_replacing_the_citation_unblocks_the_article(mehra, will, editor, author, topic):
    from articles import services

    draft = citing_article(mehra, author=author, topic=topic)
    retract(mehra, editor)
    services.article_update_content(
        actor=author, article=draft, changes={"body": "Better evidence [@will2018]."}
    )

    article, _warnings = workflow.submit(actor=author, article=draft)

    assert article.status == Status.SUBMITTED


def test_reapply_flags_an_approved_article_whose_source_was_retracted_behind_the_workflow(published, mehra):
    # As if the date had been typed into the admin: no transition happened.
    Source.objects.filter(pk=mehra.pk).update(
        retracted_on=date(2020, 6, 5), retraction_notice="see the Lancet"
    )

    flagged = retractions.reapply_retractions()

    assert flagged == [published.pk]
    published.refresh_from_db()
    assert published.status == Status.REVIEW_DUE
    assert retractions.reapply_retractions() == []


def test_the_daily_task_reapplies_retractions(published, mehra):
    Source.objects.filter(pk=mehra.pk).update(retracted_on=date(2020, 6, 5))

    assert tasks.reapply_retractions.delay().get() == [published.pk]
    published.refresh_from_db()
    assert published.status == Status.REVIEW_DUE


def test_reapply_through_the_command(published, mehra):
    Source.objects.filter(pk=mehra.pk).update(retracted_on=date(2020, 6, 5))
    out = io.StringIO()

    call_command("import_retractions", "--reapply", stdout=out)

    assert "Flagged 1 article(s) for re-review." in out.getvalue()


# The API -------------------------------------------------------------------------------------


def test_api_retract_by_an_editor(editor_api, published, mehra):
    response = editor_api.post(
        f"/api/v1/editorial/sources/{mehra.pk}/retract/",
        {"date": "2020-06-05", "notice": "10.1016/S0140-6736(20)31324-6", "reason": REASON},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert response.data["retracted"] is True
    assert response.data["retracted_on"] == "2020-06-05"
    assert response.data["retraction_notice"] == "https://doi.org/10.1016/s0140-6736(20)31324-6"
    assert response.data["flagged_articles"] == [
        {"id": published.pk, "title": published.title, "status": "review_due"}
    ]
    assert response.data["cited_by"]["articles"][0]["status"] == "review_due"
    assert [n["kind"] for n in response.data["notices"]] == ["retraction"]


def test_api_retract_is_for_editors_only(author_api, published, mehra):
    response = author_api.post(
        f"/api/v1/editorial/sources/{mehra.pk}/retract/",
        {"date": "2020-06-05", "notice": NOTICE, "reason": REASON},
        format="json",
    )

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.status == Status.APPROVED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"notice": NOTICE, "reason": REASON}, "date"),
        ({"date": "2020-06-05", "reason": REASON}, "notice"),
        ({"date": "2020-06-05", "notice": "in the Lancet", "reason": REASON}, "notice"),
        (
            {
                "date": (timezone.localdate() + timedelta(days=3)).isoformat(),
                "notice": NOTICE,
                "reason": REASON,
            },
            "date",
        ),
    ],
)
def test_api_retract_names_the_bad_field(editor_api, mehra, payload, field):
    response = editor_api.post(f"/api/v1/editorial/sources/{mehra.pk}/retract/", payload, format="json")

    assert response.status_code == 400
    assert field in response.data


# Retraction Watch ----------------------------------------------------------------------------


@pytest.fixture
def watched_library(mehra, will):
    """Library sources that appear in the Retraction Watch sample, matched in different ways."""
    wakefield = factories.SourceFactory(
        key="wakefield1998",
        title="Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children",
        doi="10.1016/s0140-6736(97)11096-0",
        pmid="",
    )
    nejm = factories.SourceFactory(  # the CSV gives no DOI for the original paper: matched on the PMID
        key="mehra2020a",
        title="Cardiovascular disease, drug therapy, and mortality in Covid-19",
        doi="10.1056/nejmoa2007621",
        pmid="32356626",
    )
    return {"wakefield": wakefield, "mehra": mehra, "nejm": nejm, "will": will}


def apply_sample(**options):
    with open(DATA / "retraction_watch.csv", encoding="utf-8-sig", newline="") as stream:
        return retractions.apply_retraction_watch_csv(stream, **options)


def test_retraction_watch_retracts_matched_sources_and_flags_their_articles(
    watched_library, published, author
):
    summary = apply_sample()

    assert (summary.rows, summary.matched, summary.unmatched) == (6, 5, 1)
    assert summary.retracted_count == 3
    assert [(row["line"], row["key"]) for row in summary.retracted] == [
        (2, "wakefield1998"),
        (5, "mehra2020"),
        (6, "mehra2020a"),
    ]
    assert summary.flagged_articles == [published.pk]
    mehra = Source.objects.get(key="mehra2020")
    assert (mehra.retracted_on, mehra.retraction_notice) == (
        date(2020, 6, 5),
        "https://doi.org/10.1016/s0140-6736(20)31324-6",
    )
    assert mehra.retraction_reason == (
        "Concerns/Issues About Data; Concerns/Issues About Third Party Involvement; "
        "Investigation by Journal/Publisher; Lack of Approval from Author"
    )
    assert Source.objects.get(key="wakefield1998").retracted_on == date(2010, 2, 2)
    published.refresh_from_db()
    assert published.status == Status.REVIEW_DUE
    entry = TransitionLog.objects.filter(article=published).latest("at", "pk")
    assert entry.actor is None
    assert entry.comment.startswith("Cited source retracted: [@mehra2020]")
    assert Notification.objects.filter(kind=NotificationKind.SOURCE_RETRACTED, recipient=author).exists()


def test_expression_of_concern_and_correction_only_record_a_notice(watched_library):
    summary = apply_sample()

    assert dict(summary.notices) == {NoticeKind.EXPRESSION_OF_CONCERN: 1, NoticeKind.CORRECTION: 1}
    will = Source.objects.get(key="will2018")
    assert will.retracted_on is None
    correction = will.notices.get()
    assert (correction.kind, correction.date, correction.reason, correction.record_id) == (
        NoticeKind.CORRECTION,
        date(2019, 3, 15),
        "Error in Table",
        "31002",
    )
    concern = SourceNotice.objects.get(kind=NoticeKind.EXPRESSION_OF_CONCERN)
    assert (concern.source.key, concern.notice, concern.date) == (
        "mehra2020",
        "https://doi.org/10.1016/s0140-6736(20)31290-3",
        date(2020, 6, 2),
    )


def test_an_expression_of_concern_alone_leaves_an_approved_article_approved(published, mehra):
    text = (DATA / "retraction_watch.csv").read_text(encoding="utf-8")
    header, *rows = text.splitlines(keepends=True)
    concern_only = header + next(row for row in rows if row.startswith("25417,"))

    summary = retractions.apply_retraction_watch_csv(io.StringIO(concern_only))

    assert summary.notices[NoticeKind.EXPRESSION_OF_CONCERN] == 1
    published.refresh_from_db()
    mehra.refresh_from_db()
    assert (published.status, mehra.retracted_on) == (Status.APPROVED, None)


def test_applying_the_same_file_again_changes_nothing(watched_library, published):
    apply_sample()
    log_size, notices = TransitionLog.objects.count(), SourceNotice.objects.count()

    again = apply_sample()

    assert (again.retracted_count, again.already_retracted) == (0, 3)
    assert sum(again.notices.values()) == 0
    assert (TransitionLog.objects.count(), SourceNotice.objects.count()) == (log_size, notices)


def test_a_dry_run_changes_nothing(watched_library, published):
    summary = apply_sample(dry_run=True)

    assert summary.retracted_count == 3
    assert not Source.objects.filter(retracted_on__isnull=False).exists()
    assert not SourceNotice.objects.exists()
    published.refresh_from_db()
    assert published.status == Status.APPROVED


def test_small_batches_give_the_same_result(watched_library, published):
    seen = []

    summary = apply_sample(batch_size=2, progress=lambda s: seen.append(s.rows))

    assert seen == [2, 4, 6]
    assert summary.retracted_count == 3


def test_a_row_with_a_bad_date_is_rejected_with_its_line(mehra):
    text = (
        ",".join(retraction_watch.RETRACTION_WATCH_COLUMNS)
        + "\n"
        + "1,T,,,,,,,,,June 2020,,,,10.1016/S0140-6736(20)31180-6,,Retraction,+Misconduct;,No,\n"
    )

    summary = retractions.apply_retraction_watch_csv(io.StringIO(text))

    assert summary.rejected == [
        {
            "line": 2,
            "record_id": "1",
            "reason": "RetractionDate: 'June 2020' is not a date like 2/2/2010 0:00",
        }
    ]
    mehra.refresh_from_db()
    assert mehra.retracted_on is None


def test_a_file_without_the_retraction_watch_header_is_malformed():
    with pytest.raises(MalformedFile, match="the header lacks RetractionDate"):
        retractions.apply_retraction_watch_csv(io.StringIO("Record ID,Title\n1,A paper\n"))
    with pytest.raises(MalformedFile, match="empty"):
        retractions.apply_retraction_watch_csv(io.StringIO(""))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2/2/2010 0:00", date(2010, 2, 2)),
        ("12/31/2019 13:45", date(2019, 12, 31)),
        ("6/5/2020", date(2020, 6, 5)),
        ("2020-06-05", date(2020, 6, 5)),
        ("", None),
    ],
)
def test_retraction_watch_dates(value, expected):
    assert retraction_watch.parse_retraction_watch_date(value) == expected


def test_command_applies_the_file_with_a_summary(watched_library, published, capsys):
    out = io.StringIO()

    call_command("import_retractions", str(DATA / "retraction_watch.csv"), stdout=out)

    text = out.getvalue()
    assert "Read 6 rows: 5 match library sources, 1 do not." in text
    assert "Retracted 3 source(s) (0 already retracted); 1 approved article(s) sent back to review." in text
    assert "correction 1" in text and "expression of concern 1" in text
    assert f"retracted line 5 (record 25418): [@mehra2020]; articles flagged: {published.pk}" in text
    assert "Applying retraction_watch.csv" in capsys.readouterr().err


def test_command_refuses_a_file_that_is_not_retraction_watch(tmp_path):
    bad = tmp_path / "retractions.csv"
    bad.write_text("doi,date\n10.1/x,2020-01-01\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Not a Retraction Watch CSV"):
        call_command("import_retractions", str(bad), "--no-progress", stdout=io.StringIO())
