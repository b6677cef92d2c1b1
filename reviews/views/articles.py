"""One article in the editorial app: where it stands and what each role may do, and its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles.models import CONTENT_FIELDS, Article, Publication, Specialty
from articles.rendered_diff import rendered_diff
from articles.services import check_citations
from reviews import quorum, selectors, signatures, workflow
from reviews.forms import CommentForm, FlagForRereviewForm
from reviews.models import ReviewAssignment, SignOff
from reviews.views._common import render_as_published, visible_article
from reviews.views._diff import revision_changes
from reviews.views._letters import resubmit_form


def _signoff(assignment: ReviewAssignment):
    """The assignment's sign-off or ``None`` (the reverse one-to-one raises when missing)."""
    try:
        return assignment.signoff
    except SignOff.DoesNotExist:
        return None


def round_summaries(article: Article) -> list[dict]:
    """Each round, newest first: its assignments with sign-offs, and the quorum of an open round.

    A sign-off "counts" exactly when ``reviews.quorum`` counts it.
    """
    today = timezone.localdate()
    summaries = []
    for review_round in selectors.article_rounds(article):
        round_quorum = quorum.quorum_for(article, review_round) if review_round.is_open else None
        counted = round_quorum.counted if round_quorum else frozenset()
        rows = []
        for assignment in review_round.assignments.all():
            signoff = _signoff(assignment)
            rows.append(
                {
                    "assignment": assignment,
                    "signoff": signoff,
                    "specialty_match": any(
                        s.pk == article.topic_id for s in assignment.reviewer.specialties.all()
                    ),
                    "overdue": assignment.status == "assigned" and assignment.due_date < today,
                    "counts": bool(signoff and signoff.pk in counted),
                }
            )
        summary = {"round": review_round, "rows": rows}
        if review_round.is_open:
            summary["quorum"] = round_quorum
            summary["eligible"] = quorum.eligible_assignments(review_round, article).count()
            summary["needed"] = round_quorum.required
        summaries.append(summary)
    return summaries


def detail_page(request, article: Article, *, status: int = 200, **forms):
    """Render the article page; the editor's forms may come in bound (with their errors)."""
    user = request.user
    actions = workflow.available_actions(user, article)
    check = check_citations(article)
    rendered, references_html = render_as_published(article.body, check.cited)
    context = {
        "article": article,
        "body_html": rendered.html,
        "references_html": references_html,
        "actions": actions,
        "is_editor": roles.is_editor(user),
        "is_author": roles.is_author(user, article),
        "assigned": ReviewAssignment.objects.filter(round__article=article, reviewer__user=user).exists(),
        "letter": workflow.letter_of(quorum.latest_round(article)) if article.is_editable else None,
        "resubmit_form": forms.get("resubmit_form") or resubmit_form(article),
        "publication": Publication.objects.current().filter(article=article).first(),
        "comment_form": CommentForm(),
        "flag_form": forms.get("flag_form") or FlagForRereviewForm(),
    }
    if "approve" in actions:
        context["uses_one_time_code"] = signatures.uses_one_time_code(user)
    if context["is_editor"]:
        context["rounds"] = round_summaries(article)
        context["policy"] = quorum.policy_for(article)
    return render(request, "editorial/article_detail.html", context, status=status)


@login_required
def article_detail(request, pk: int):
    """The article's status, its review rounds (for editors) and the buttons the user may press.

    Template: ``editorial/article_detail.html``. Buttons come from ``workflow.available_actions``,
    so one appears exactly when pressing it would be allowed.
    """
    return detail_page(request, visible_article(request.user, pk))


def _revision_label(record) -> str:
    who = record.history_user.get_username() if record.history_user else _("system")
    return f"#{record.history_id} · {timezone.localtime(record.history_date):%Y-%m-%d %H:%M} · {who}"


def _content(record) -> tuple:
    return tuple(getattr(record, "topic_id" if name == "topic" else name) for name in CONTENT_FIELDS)


def _last_different(revisions: list):
    """The newest revision whose content differs from the newest one (steps save revisions too)."""
    if not revisions:
        return None
    newest = _content(revisions[0])
    return next((r for r in revisions[1:] if _content(r) != newest), revisions[-1])


@login_required
def article_history(request, pk: int):
    """All revisions, any two compared (inline or side by side), and the transition log.

    Template: ``editorial/history.html``. Query: ``from`` and ``to`` (history ids, default the
    newest revision and the newest one before it whose content differs) and ``mode`` (``inline``
    or ``side``). A ``from`` or ``to`` that is not a revision of the article is named in an error
    above the defaults, with status 400. The body is compared as rendered, block by block.
    """
    article = visible_article(request.user, pk)
    revisions = list(selectors.article_revisions(article))
    by_id = {str(record.history_id): record for record in revisions}
    errors = []

    def chosen(name: str, default):
        raw = request.GET.get(name, "")
        if raw and raw not in by_id:
            message = _("%(name)s: %(value)s is not a revision of this article.")
            errors.append(message % {"name": name, "value": raw[:40]})
        return by_id.get(raw, default)

    newest = revisions[0] if revisions else None
    old, new = chosen("from", _last_different(revisions)), chosen("to", newest)
    mode = "side" if request.GET.get("mode") == "side" else "inline"
    topics = dict(Specialty.objects.values_list("pk", "name"))
    context = {
        "article": article,
        "revisions": revisions,
        "revision_choices": [(r.history_id, _revision_label(r)) for r in revisions],
        "old": old,
        "new": new,
        "mode": mode,
        "changes": [c for c in revision_changes(old, new, topics=topics) if c["field"] != "body"]
        if old and new
        else [],
        "diff": rendered_diff(old, new) if old and new else None,
        "transitions": selectors.article_transitions(article),
        "signoffs": selectors.article_signoffs(article).order_by("signed_at"),
        "content_fields": CONTENT_FIELDS,
        "errors": errors,
    }
    return render(request, "editorial/history.html", context, status=400 if errors else 200)
