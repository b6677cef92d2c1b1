"""The source library as authors use it: search it (the picker), add a source by hand, import a file.

Writes go through ``articles.library.importing``, the module the API and the import command use, so a
source is refused for the same reasons (and named the same way) wherever it comes from.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles import roles
from articles.library import importing, lookup, sources
from articles.library.bibliography import reference_entry
from articles.library.citations import MalformedFile
from articles.models import Source
from reviews import selectors
from reviews.forms import SourceForm, SourceImportForm, SourceSearchForm, add_errors


def _require_source_writer(user) -> None:
    if not roles.can_add_sources(user):
        raise PermissionDenied(_("Only authors and editors use the source library."))


def _safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        return next_url
    return ""


@login_required
def source_list(request):
    """Search the library; htmx requests get just the results (the picker beside the editor).

    Templates: ``editorial/sources.html``, ``editorial/_source_results.html`` (htmx).
    """
    _require_source_writer(request.user)
    form = SourceSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = [
        {"source": source, "reference": reference_entry(source)} for source in selectors.search_sources(query)
    ]
    context = {"form": form, "query": query, "results": results}
    if request.htmx:
        return render(request, "editorial/_source_results.html", {**context, "picker": True})
    return render(request, "editorial/sources.html", context)


@login_required
def source_create(request):
    """Add one source by hand: identifiers normalised, a taken DOI, PMID or key named.

    Template: ``editorial/source_form.html``. After saving, returns to ``next`` (the editor the
    author came from) when given.
    """
    _require_source_writer(request.user)
    next_url = _safe_next(request)
    identifier = request.GET.get("lookup", "").strip()[:200]
    initial, lookup_error = {}, ""
    if identifier and request.method == "GET":
        try:
            initial = lookup.lookup_identifier(identifier)
        except lookup.LookupFailed as exc:
            lookup_error = str(exc)
        else:
            initial["authors"] = initial.get("authors") or []
    form = SourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            source = sources.source_create(actor=request.user, data=form.source_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Source added to the library. Cite it as [@%(key)s].") % {"key": source.key}
            )
            return redirect(next_url or f"{reverse('editorial:sources')}?{urlencode({'q': source.key})}")
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": next_url, "identifier": identifier, "lookup_error": lookup_error}
    return render(request, "editorial/source_form.html", context, status=status)


@login_required
def source_import(request):
    """Import a BibTeX, RIS, MEDLINE or CSL-JSON file into the library and show what happened.

    Template: ``editorial/source_import.html``. The summary lists created, matched and rejected
    entries (each rejection with its line and reason).
    """
    _require_source_writer(request.user)
    form = SourceImportForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = importing.import_upload(
                upload.file,
                filename=upload.name,
                fmt=form.cleaned_data["format"] or None,
                actor=request.user,
                partial=form.cleaned_data["partial"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except MalformedFile as exc:
            form.add_error("file", str(exc))
        else:
            if summary.imported:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(matched)d already in the library, %(rejected)d rejected.")
                    % {
                        "created": summary.created_count,
                        "matched": summary.matched_count,
                        "rejected": summary.rejected_count,
                    },
                )
            elif summary.dry_run:
                messages.info(request, _("Checked only: nothing was imported."))
            else:
                messages.error(
                    request,
                    _(
                        "Nothing was imported: %(n)d entries were rejected. "
                        "Fix them or allow a partial import."
                    )
                    % {"n": summary.rejected_count},
                )
    status = 400 if form.errors else 200
    context = {"form": form, "summary": summary, "next": _safe_next(request)}
    return render(request, "editorial/source_import.html", context, status=status)


def _source_initial(source) -> dict:
    initial = {name: getattr(source, name) for name in sources.EDITABLE_SOURCE_FIELDS}
    initial["accept_incomplete"] = bool(source.missing_facts)
    return initial


@login_required
def source_edit(request, pk: int):
    """Correct a source, see its history and, when nothing cites it, delete it.

    Who may change it is ``articles.roles.can_edit_source`` (editor-only once an article citing it
    has left drafting); the change goes through ``articles.library.sources.source_update``.
    Template: ``editorial/source_edit.html``.
    """
    _require_source_writer(request.user)
    source = get_object_or_404(Source, pk=pk)
    may_edit = roles.can_edit_source(request.user, source)
    form = SourceForm(request.POST or None, initial=_source_initial(source))
    # The service refuses (403) a writer who may not change it: the rule lives in the roles module.
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data.get(name) for name in sources.EDITABLE_SOURCE_FIELDS}
        changes = {
            name: ("" if value is None and name not in ("year", "accessed") else value)
            for name, value in changes.items()
        }
        changes["authors"] = changes["authors"] or []
        if not changes["key"]:
            changes.pop("key")
        if not changes["publication_type"]:
            changes.pop("publication_type")
        try:
            sources.source_update(actor=request.user, source=source, changes=changes)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Source saved."))
            return redirect("editorial:source_edit", pk=source.pk)
    context = {
        "form": form,
        "source": source,
        "may_edit": may_edit,
        "reference": reference_entry(source),
        "history": source.history.select_related("history_user").order_by("-history_date")[:50],
        "cited": sources.articles_citing(source).exists() or source.published_citations.exists(),
    }
    status = 400 if form.is_bound else 200
    return render(request, "editorial/source_edit.html", context, status=status)


@login_required
@require_POST
def source_delete(request, pk: int):
    """Delete a source nothing cites; a cited one stays, with the reason shown."""
    _require_source_writer(request.user)
    source = get_object_or_404(Source, pk=pk)
    try:
        sources.source_delete(actor=request.user, source=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("editorial:source_edit", pk=source.pk)
    messages.success(request, _("Source [@%(key)s] deleted.") % {"key": source.key})
    return redirect("editorial:sources")
