"""Public pages: the article list, article pages and the editorial policy.

Every page reads through ``public.listing`` and ``public.publications`` with a fixed number of
queries, shows the same thing to every visitor (no user, no messages, no cookies), answers
conditional GETs before rendering and is kept by the response cache (``public.caching.public_response``).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template import loader
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.library.bibliography import render_with_sources
from articles.models import Article, Audience, Status
from articles.rendering import NumberedReference, grouped_reference_list_html
from editorial.context_processors import site as site_context
from public import board, caching, listing, notices, pending, publications
from public.purging import keys
from public.review_record import review_record as review_record_document
from public.structured_data import board_person, json_ld_script, medical_web_page

PAGE_SIZE = 20
PENDING_LIMIT = 20
PENDING_BANNER = "Educational purpose only. Content is pending review by our medical advisory board."

# Who an article is written for, as the page says it.
AUDIENCE_READERS = {Audience.PATIENT: "patients", Audience.PROFESSIONAL: "health professionals"}

# The steps a reader sees, and where each article status stands on them.
TRACKER_STEPS = ("Submitted", "Under Review", "Approved")
TRACKER_POSITION = {Status.SUBMITTED: 0, Status.UNDER_REVIEW: 1, Status.APPROVED: 2}
REREVIEW_STEP = "Under Re-review"


def render(request, template_name: str, context: dict, status: int = 200) -> HttpResponse:
    """Render a public page from ``context`` and the site settings only.

    No request context processors run: a public page is the same for every visitor and is cached
    whole, so nothing may read the user or the session (which would also add ``Vary: Cookie``).
    """
    context = {**site_context(request), **context}
    return HttpResponse(loader.render_to_string(template_name, context), status=status)


def reference_list(references: list[dict]) -> str:
    """The numbered references in their groups, with DOI and PubMed links and links back to
    where each is first cited (``rendering.grouped_reference_list_html``)."""
    return grouped_reference_list_html(_numbered(reference) for reference in references)


def _numbered(reference: dict) -> NumberedReference:
    formatted_html = reference.get("formatted_html") or reference.get("formatted", "")
    return NumberedReference(
        number=reference["number"],
        key=reference.get("key", ""),
        formatted_html=formatted_html,
        formatted_text=reference.get("formatted", ""),
        doi=reference.get("doi", ""),
        pmid=reference.get("pmid", ""),
        url=reference.get("url", ""),
        retracted=reference.get("retracted", False),
        publication_type=reference.get("publication_type", ""),
        evidence_type=reference.get("evidence_type", ""),
        group=reference.get("group", "other"),
        cited_at=reference.get("cited_at", ""),
    )


def review_tracker(status: str) -> list[dict]:
    """The review steps, each ``done``, ``current`` or ``upcoming`` for ``status``; an article
    back with the board after approval shows a fourth, current step, "Under Re-review"."""
    if status == Status.REVIEW_DUE:
        done = [{"label": label, "state": "done"} for label in TRACKER_STEPS]
        return [*done, {"label": REREVIEW_STEP, "state": "current"}]
    position = TRACKER_POSITION[status]
    return [
        {"label": label, "state": "done" if i < position else "current" if i == position else "upcoming"}
        for i, label in enumerate(TRACKER_STEPS)
    ]


@caching.public_response(cache_if=caching.not_searching)
def article_list(request):
    """Approved articles, newest review first, with search and a topic filter.

    Models: Publication (and, with SHOW_PENDING_CONTENT, pending Articles).
    Template: public/article_list.html. Context: page, topics, filters, pending.
    Queries: 2 (the page with its count, topics), 3 with pending content shown; a search 3 (the
    page's keys with the count, the page's rows, topics).
    """
    filterset = listing.PublicationFilter(request.GET, queryset=listing.listed_publications())
    page = listing.PublicationPaginator(filterset.listing(), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for publication in page:
        publication.public_status = notices.public_status(publication, today)
    topics = listing.public_topics()
    filters = filterset.form.cleaned_data  # the valid ones: an invalid filter is ignored
    pending = _pending_list(filters) if settings.SHOW_PENDING_CONTENT else []

    etag = caching.etag_for(
        "html-list",
        caching.absolute_url(request),
        page.paginator.count,
        [(p.pk, p.public_status) for p in page],
        topics,
        [(a.pk, a.status, a.updated_at) for a in pending],
    )
    modified = [notices.last_modified(p, today=today) for p in page] + [a.updated_at for a in pending]
    last_modified = max(modified, default=None)
    response = caching.answer(
        request,
        etag=etag,
        last_modified=last_modified,
        render=lambda: render(
            request,
            "public/article_list.html",
            {
                "page": page,
                "topics": topics,
                "filters": filters,
                "query_without_page": _query_without_page(request),
                "pending": pending,
                "pending_banner": PENDING_BANNER,
                "nav": "articles",
            },
        ),
    )
    return caching.tag(response, keys.list_keys(filters.get("topic")))


def _pending_list(filters: dict) -> list[Article]:
    articles = pending.pending_articles()
    if filters.get("topic"):
        articles = articles.filter(topic__slug=filters["topic"])
    if filters.get("audience"):
        articles = articles.filter(audience=filters["audience"])
    articles = pending.search_pending_articles(articles, filters.get("q") or "")
    return list(articles.order_by("-updated_at", "-pk")[:PENDING_LIMIT])


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@caching.public_response(uses_query=False)
def article_detail(request, slug: str):
    """An approved article as a reader trusts it: review tracker, reviewers, dates, sources.

    Models: Publication (its Article's status; the Sources it cites, for retractions).
    Templates: public/article_detail.html, public/article_retracted.html (410),
    public/article_pending.html (SHOW_PENDING_CONTENT). Queries: 1, and one more while a source
    it cites is retracted; 1 for a retraction.
    """
    article = publications.public_article(slug)
    if article is None:
        if settings.SHOW_PENDING_CONTENT and (draft := pending.pending_article(slug)):
            return _pending_page(request, draft)
        # Unknown and never-approved slugs take the same path to the same 404.
        raise Http404("No approved article has this address.")
    publication = article.publication
    if article.is_retracted:
        response = render(
            request,
            "public/article_retracted.html",
            {"publication": publication, "notices": article.notices},
            status=410,
        )
        return caching.tag(response, publication.surrogate_keys)
    url = caching.absolute_url(request, with_query=False)
    etag = caching.etag_for(
        "html-detail",
        url,
        publication.pk,
        article.status,
        [(notice.kind, notice.message) for notice in article.notices],
        [reference["retracted"] for reference in article.references],
        publication.counterpart_slug,
    )
    response = caching.answer(
        request,
        etag=etag,
        last_modified=article.last_modified,
        render=lambda: render(
            request,
            "public/article_detail.html",
            {
                "article": article,
                "publication": publication,
                "audience_label": AUDIENCE_READERS.get(publication.audience, publication.audience),
                "reviewers": [
                    {**reviewer, "signed_at": parse_datetime(reviewer.get("signed_at") or "")}
                    for reviewer in publication.reviewers
                ],
                "tracker": review_tracker(article.status),
                "rereview_since": _rereview_since(article),
                "audience_switch": audience_switch(publication),
                "references_html": reference_list(article.references),
                "canonical_url": url,
                "json_ld": json_ld_script(medical_web_page(article, url=url, site_name=settings.SITE_NAME)),
            },
        ),
    )
    return caching.tag(response, publication.surrogate_keys)


# How the "Which best describes you?" switch names each audience.
AUDIENCE_CHOICES = {
    Audience.PATIENT: "I'm a patient or caregiver",
    Audience.PROFESSIONAL: "I'm a health professional",
}


def audience_switch(publication) -> list[dict]:
    """The options of "Which best describes you?": each version, the current one marked."""
    return [
        {
            **variant,
            "label": AUDIENCE_CHOICES.get(variant["audience"], variant["audience"]),
            "current": variant["slug"] == publication.slug,
        }
        for variant in publication.audience_variants
    ]


def _rereview_since(article) -> object:
    """The day the board took the article back, shown instead of a "next review due" date that
    would contradict the notice; ``None`` while the article is simply approved."""
    since = article.publication.review_due_since
    if article.publication.article_status != Status.REVIEW_DUE or since is None:
        return None
    return timezone.localdate(since)


def _pending_page(request, article: Article):
    """A submitted or under-review article, rendered live, under the caution banner."""
    sources = [citation.source for citation in article.citations.all()]
    last_modified = max([article.updated_at] + [source.updated_at for source in sources])
    etag = caching.etag_for(
        "html-pending",
        caching.absolute_url(request, with_query=False),
        article.pk,
        article.status,
        article.updated_at,
        [(source.pk, source.updated_at) for source in sources],
    )

    def page() -> HttpResponse:
        rendered = render_with_sources(article.body, sources)
        context = {
            "article": article,
            "audience_label": AUDIENCE_READERS.get(article.audience, article.audience),
            "body_html": rendered.html,
            "references_html": rendered.reference_list_html,
            "tracker": review_tracker(article.status),
            "pending_banner": PENDING_BANNER,
        }
        return render(request, "public/article_pending.html", context)

    response = caching.answer(request, etag=etag, last_modified=last_modified, render=page)
    return caching.tag(response, keys.joined([keys.EVERYTHING, keys.article(article.pk)]))


@caching.public_response(uses_query=False, keys=keys.BOARD_KEYS)
def editorial_policy(request):
    """How the medical advisory board reviews content, from the board and policy rows.

    Models: BoardMember, Specialty, ReviewPolicy. Template: public/editorial_policy.html.
    Queries: 3.
    """
    site_wide, by_specialty = board.review_policies()
    return render(
        request,
        "public/editorial_policy.html",
        {
            "members": board.editorial_board(),
            "policy": site_wide,
            "specialty_policies": by_specialty,
            "nav": "policy",
        },
    )


@caching.public_response(uses_query=False, keys=keys.BOARD_KEYS)
def board_list(request):
    """The medical advisory board: each active member, their credentials and specialties.

    Models: BoardMember, Specialty. Template: public/board.html. Queries: 2.
    """
    return render(request, "public/board.html", {"members": board.editorial_board(), "nav": "board"})


# The member's page lists the articles they signed: a publication changes it too.
@caching.public_response(uses_query=False, keys=keys.joined([keys.BOARD_KEYS, keys.LISTS]))
def board_member_page(request, slug: str):
    """One board member: credentials, specialties, biography, ORCID iD and the articles they
    signed. Models: BoardMember, Specialty, SignOff, ListedPublication.
    Template: public/board_member.html. Queries: 3.
    """
    member = board.board_member(slug)
    if member is None:
        raise Http404("No board member has this address.")
    url = caching.absolute_url(request, with_query=False)
    return render(
        request,
        "public/board_member.html",
        {
            "member": member,
            "orcid_url": board.orcid_url(member.orcid),
            "reviewed": board.reviewed_by(member),
            "canonical_url": url,
            "json_ld": json_ld_script(board_person(member, url=url)),
            "nav": "board",
        },
    )


def review_record(request, slug: str):
    """The public review record of an approved article: hash, chain head, signatures, policy.

    Not kept by the response cache: it verifies the article's audit chain as it is now.
    Template: public/review_record.html. Data: ``public.review_record.review_record``.
    """
    record = review_record_document(slug)
    signed = record["signed_content"]
    return render(
        request,
        "public/review_record.html",
        {
            "record": record,
            "approved_at": parse_datetime(record["approved_at"]),
            "signatures": [
                {**signature, "signed_at": parse_datetime(signature["signed_at"])}
                for signature in record["signatures"]
            ],
            "signed_json": json.dumps(signed, indent=2, ensure_ascii=False) if signed else "",
        },
    )
