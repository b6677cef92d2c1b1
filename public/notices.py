"""What a reader is told about a publication: its review status and the notices above its body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from articles.models import Status

if TYPE_CHECKING:
    from public.listing import ListRow
    from public.publications import PublicationFacts, RetractedSource

    # What the public status, notices and validators are computed from: a list row or a page.
    PublicRow = ListRow | PublicationFacts


class PublicStatus:
    """What a reader is told about the review state of the content in front of them."""

    APPROVED = "approved"
    REVIEW_DUE = "review_due"

    LABELS = {APPROVED: Status.APPROVED.label, REVIEW_DUE: _lazy("Under Re-review")}
    CHOICES = list(LABELS.items())


@dataclass(frozen=True)
class Notice:
    """A message shown above an article's body: ``kind`` is stable for API clients."""

    kind: str
    message: str
    date: date | None = None

    RETRACTED = "retracted"
    RETRACTED_SOURCE = "retracted_source"
    REVIEW_OVERDUE = "review_overdue"
    CORRECTION = "correction"
    KINDS = (RETRACTED, RETRACTED_SOURCE, REVIEW_OVERDUE, CORRECTION)


def _is_overdue(publication: PublicRow, today: date) -> bool:
    return (
        publication.article_status == Status.REVIEW_DUE
        or bool(publication.review_due_reason)
        or publication.next_review_due < today
    )


def public_status(publication: PublicRow, today: date | None = None) -> str:
    """``review_due`` once the next review is due (by date or flagged), else ``approved``."""
    overdue = _is_overdue(publication, today or timezone.localdate())
    return PublicStatus.REVIEW_DUE if overdue else PublicStatus.APPROVED


def _day(value: date | datetime) -> str:
    # The pages show dates as "21 November 2026"; notices say them the same way.
    return date_format(value.date() if isinstance(value, datetime) else value, "j F Y")


def publication_notices(
    publication: PublicationFacts, retracted_sources: list[RetractedSource], today: date | None = None
) -> list[Notice]:
    """The notices a reader must see before the body, most serious first."""
    today = today or timezone.localdate()
    notices = [
        Notice(
            Notice.RETRACTED_SOURCE,
            _(
                "Reference %(number)s (%(title)s) was retracted on %(date)s, after this article was "
                "reviewed. Our medical advisory board is reviewing the article again."
            )
            % {"number": source.number, "title": source.title, "date": _day(source.retracted_on)},
            source.retracted_on,
        )
        for source in retracted_sources
    ]
    rereview = _rereview_notice(publication, bool(retracted_sources), today)
    if rereview is not None:
        notices.append(rereview)
    if publication.last_modified_at > publication.first_published_at:
        # The content changed after the first publication (a routine re-review changes nothing).
        notices.append(
            Notice(
                Notice.CORRECTION,
                _(
                    "This article was corrected and reviewed again on %(date)s. It was first "
                    "published on %(first)s."
                )
                % {"date": _day(publication.approved_at), "first": _day(publication.first_published_at)},
                publication.approved_at.date(),
            )
        )
    return notices


def _rereview_notice(publication: PublicationFacts, cites_retracted: bool, today: date) -> Notice | None:
    """What a reader is told of a re-review, from facts only: when it began and why in the
    reader's words, never the editors' note (``review_due_reason`` stays internal)."""
    if not _is_overdue(publication, today):
        return None
    approved = _day(publication.approved_at)
    if publication.article_status != Status.REVIEW_DUE:
        return Notice(
            Notice.REVIEW_OVERDUE,
            _(
                "This article was due for review on %(date)s and is waiting for our medical "
                "advisory board to review it again."
            )
            % {"date": _day(publication.next_review_due)},
            publication.next_review_due,
        )
    if cites_retracted:
        return None  # the retracted source's notice already says what happened and what follows
    since = publication.review_due_since
    since_day = timezone.localdate(since) if since else None
    if since_day is None or since_day >= publication.next_review_due:
        message = _(
            "This article was due for its scheduled review on %(date)s. Our medical advisory board "
            "is reviewing it again; what you read is the version it approved on %(approved)s."
        ) % {"date": _day(publication.next_review_due), "approved": approved}
        return Notice(Notice.REVIEW_OVERDUE, message, publication.next_review_due)
    message = _(
        "Since %(since)s our medical advisory board is reviewing this article again. What you read "
        "is the version it approved on %(approved)s."
    ) % {"since": _day(since_day), "approved": approved}
    return Notice(Notice.REVIEW_OVERDUE, message, since_day)


def retraction_notice(publication: PublicationFacts) -> Notice:
    """The notice of a retracted article (answered with 410)."""
    notice = publication.retraction_notice or _("This article has been retracted.")
    retracted_at = publication.retracted_at
    return Notice(Notice.RETRACTED, notice, retracted_at.date() if retracted_at else None)


def last_modified(publication: PublicRow, retracted_sources=(), today: date | None = None) -> datetime:
    """When anything a reader sees of ``publication`` last changed (for ``Last-Modified``)."""
    moments = [publication.approved_at, publication.article_updated_at]
    moments += [source.updated_at for source in retracted_sources]
    today = today or timezone.localdate()
    if publication.next_review_due < today:
        # The overdue notice appeared when the due date passed, without any row changing.
        moments.append(timezone.make_aware(datetime.combine(publication.next_review_due, time.min)))
    return max(moments)
