"""Authors at work: drafting, the live preview with its citation check, submitting, revising."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles import roles, services
from articles.models import Article, Audience, Source
from editorial.refusals import StaleContent
from reviews import quorum, workflow
from reviews.forms import ArticleForm, CommentForm, add_errors
from reviews.views import kept_copies
from reviews.views._common import refusals_as_409, render_as_published, visible_article
from reviews.views._letters import resubmit_form
from reviews.views.articles import detail_page


def build_preview(*, title: str, summary: str, body: str, attached) -> dict:
    """The draft exactly as the public page will render it, with the citation check.

    The cited sources are resolved from the library as submitting and publishing resolve them,
    and rendered as the public page renders them.
    ``attached`` are the sources the form currently attaches (saved or not), for the warnings.
    """
    check = services.check_citations(Article(body=body))
    cited_ids = {source.pk for source in check.cited}
    check = dataclasses.replace(check, uncited=[s for s in attached if s.pk not in cited_ids])
    rendered, references_html = render_as_published(body, check.cited)
    return {
        "title": title,
        "summary": summary,
        "body_html": rendered.html,
        "references_html": references_html,
        "check": check,
    }


def _attached_sources(request, article: Article | None) -> list[Source]:
    """The sources the form shows as attached: as posted, else as stored."""
    if request.method == "POST":
        ids = [pk for pk in request.POST.getlist("attached_sources") if pk.isdigit()]
        return list(Source.objects.filter(pk__in=ids))
    return list(article.attached_sources.all()) if article is not None else []


def _form_page(request, *, form, article: Article | None, status: int = 200):
    """Render the editor page: the form, the preview beside it, the reviewers' comments."""
    attached = _attached_sources(request, article)
    if form.is_bound:
        data = {name: form.data.get(name, "") for name in ("title", "summary", "body")}
    else:
        data = {name: form.initial.get(name, "") for name in ("title", "summary", "body")}
    context = {
        "form": form,
        "article": article,
        "attached": attached,
        "preview": build_preview(attached=attached, **data),
        "letter": workflow.letter_of(quorum.latest_round(article)) if article is not None else None,
        "article_can_submit": article is not None and workflow.can_submit(request.user, article),
    }
    return render(request, "editorial/article_form.html", context, status=status)


def _submit(request, article: Article, comment: str = "", responses=None):
    """Submit through the workflow; citation errors send the author back to the text."""
    try:
        article, warnings = workflow.submit(
            actor=request.user, article=article, comment=comment, responses=responses
        )
    except workflow.CitationErrors as exc:
        for error in exc.messages:
            messages.error(request, error)
        messages.error(request, _("Not submitted: fix the citation errors shown next to the text."))
        return redirect("editorial:article_edit", pk=article.pk)
    except ValidationError as exc:
        if responses is not None or "responses" not in getattr(exc, "error_dict", {}):
            raise
        # Saved from the editor: the answers to the decision letter are given on the article page.
        messages.error(request, _("Saved. Answer each comment of the decision letter to resubmit."))
        return redirect("editorial:article", pk=article.pk)
    messages.success(request, _("Submitted for review. The editors have been notified."))
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("editorial:article", pk=article.pk)


@login_required
@refusals_as_409()
def article_create(request):
    """Start a new draft with the current user as its author.

    Template: ``editorial/article_form.html`` (shared with editing).
    """
    if refusal := roles.create_refusal(request.user):
        raise refusal
    if request.method != "POST":
        form = ArticleForm(initial={"audience": Audience.PATIENT})
        return _form_page(request, form=form, article=None)
    form = ArticleForm(request.POST)
    action = request.POST.get("action", "save")
    if not form.is_valid() or action == "preview":
        return _form_page(request, form=form, article=None, status=200 if form.is_valid() else 400)
    try:
        with transaction.atomic():
            article = services.article_create_draft(actor=request.user, **form.content())
            if form.cleaned_data["attached_sources"]:
                article = services.article_update_content(
                    actor=request.user,
                    article=article,
                    changes={"attached_sources": form.cleaned_data["attached_sources"]},
                )
    except ValidationError as exc:
        add_errors(form, exc)
        return _form_page(request, form=form, article=None, status=400)
    kept_copies.mark_saved(request, None)
    messages.success(request, _("Draft “%(title)s” created.") % {"title": article.title})
    if action == "submit":
        return _submit(request, article)
    return redirect("editorial:article_edit", pk=article.pk)


@login_required
@refusals_as_409()
def article_edit(request, pk: int):
    """Edit a draft (or an article with requested changes) and optionally submit it.

    A save carries the content hash the page was loaded with; when a co-author saved in
    between, the save is refused with 409 and the typed text is kept on the page.
    """
    article = visible_article(request.user, pk)
    if refusal := roles.edit_refusal(request.user, article):
        raise refusal
    if request.method != "POST":
        return _form_page(request, form=ArticleForm.for_article(article), article=article)
    form = ArticleForm(request.POST)
    action = request.POST.get("action", "save")
    if not form.is_valid() or action == "preview":
        return _form_page(request, form=form, article=article, status=200 if form.is_valid() else 400)
    changes = {**form.content(), "attached_sources": form.cleaned_data["attached_sources"]}
    try:
        article = services.article_update_content(
            actor=request.user,
            article=article,
            changes=changes,
            expected_hash=form.cleaned_data["content_hash"] or None,
        )
    except StaleContent as exc:
        form.add_error(None, str(exc))
        return _form_page(request, form=form, article=article, status=409)
    except ValidationError as exc:
        add_errors(form, exc)
        return _form_page(request, form=form, article=article, status=400)
    kept_copies.mark_saved(request, article)
    if action == "submit":
        return _submit(request, article)
    messages.success(request, _("Draft saved."))
    return redirect("editorial:article_edit", pk=article.pk)


@login_required
@require_POST
def article_preview(request, pk: int | None = None):
    """htmx: the rendered draft, its references and the citation check for the posted text.

    Template: ``editorial/_preview.html`` (the check is swapped out of band next to the text).
    """
    if pk is not None:
        visible_article(request.user, pk)
    elif refusal := roles.create_refusal(request.user):
        raise refusal
    preview = build_preview(
        title=request.POST.get("title", ""),
        summary=request.POST.get("summary", ""),
        body=request.POST.get("body", ""),
        attached=_attached_sources(request, None),
    )
    return render(request, "editorial/_preview.html", {"preview": preview, "oob": True})


@login_required
@require_POST
@refusals_as_409()
def article_submit(request, pk: int):
    """Submit; after a decision letter, with the author's answer to each forwarded comment."""
    article = visible_article(request.user, pk)
    form = resubmit_form(article, request.POST)
    if not form.is_valid():
        return detail_page(request, article, status=400, resubmit_form=form)
    try:
        return _submit(request, article, form.cleaned_data["comment"], responses=form.responses())
    except ValidationError as exc:
        add_errors(form, exc)
        return detail_page(request, article, status=400, resubmit_form=form)


@login_required
@require_POST
@refusals_as_409()
def article_revise(request, pk: int):
    """Start a new working draft of an approved article; the publication stays live meanwhile."""
    article = visible_article(request.user, pk)
    comment = CommentForm.comment_in(request.POST)
    workflow.revise(actor=request.user, article=article, comment=comment)
    messages.success(
        request, _("A new working draft is open. The published version stays live until the next approval.")
    )
    return redirect("editorial:article_edit", pk=article.pk)
