"""The editorial API's search and filters: articles and the source library."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from articles.library.citations import InvalidIdentifier, normalize_doi, normalize_pmid
from articles.models import Article, Audience, Citation, Source, SourceType, Status
from reviews.models import OPEN_ROUND_STATUSES, AssignmentStatus, ReviewAssignment


class EditorialArticleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    audience = django_filters.ChoiceFilter(choices=Audience.choices)
    topic = django_filters.CharFilter(field_name="topic__slug", help_text="Specialty slug.")

    class Meta:
        model = Article
        fields = ["status", "audience", "topic"]


class SourceFilter(django_filters.FilterSet):
    """Search and filters of the sources list (and of the export)."""

    ORDERINGS = {
        "key": ("key",),
        "title": ("title", "pk"),
        "year": ("year", "key"),
        "-year": ("-year", "key"),
        "-created": ("-created_at", "-pk"),
    }

    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text="Words to find in the key, title, authors or journal; or a DOI or PMID.",
    )
    type = django_filters.MultipleChoiceFilter(choices=SourceType.choices)
    year = django_filters.NumberFilter()
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")
    retracted = django_filters.BooleanFilter(
        method="filter_retracted", help_text="Retracted sources only (or none)."
    )
    cited = django_filters.BooleanFilter(
        method="filter_cited", help_text="Sources some article cites (or none)."
    )
    doi = django_filters.CharFilter(
        method="filter_doi", help_text="In any form: 10.x/..., doi:..., https://doi.org/..."
    )
    pmid = django_filters.CharFilter(method="filter_pmid")
    ordering = django_filters.ChoiceFilter(
        choices=[(value, value) for value in ORDERINGS], method="filter_ordering", empty_label=None
    )

    class Meta:
        model = Source
        fields = [
            "q",
            "type",
            "year",
            "year_min",
            "year_max",
            "retracted",
            "cited",
            "doi",
            "pmid",
            "ordering",
        ]

    def filter_q(self, queryset, name, value):
        for word in value.split()[:10]:
            match = (
                Q(key__icontains=word)
                | Q(title__icontains=word)
                | Q(authors__icontains=word)
                | Q(container_title__icontains=word)
                | Q(container_title_short__icontains=word)
            )
            for field_name, normalize in (("doi", normalize_doi), ("pmid", normalize_pmid)):
                with suppress(InvalidIdentifier):  # not an identifier: the words above suffice
                    match |= Q(**{field_name: normalize(word)})
            queryset = queryset.filter(match)
        return queryset

    def filter_retracted(self, queryset, name, value):
        return queryset.filter(retracted_on__isnull=not value)

    def filter_cited(self, queryset, name, value):
        cited = Exists(Citation.objects.filter(source=OuterRef("pk")))
        return queryset.filter(cited if value else ~cited)

    def _identifier(self, queryset, field_name, normalize, value):
        try:
            return queryset.filter(**{field_name: normalize(value)})
        except InvalidIdentifier as exc:
            raise ValidationError({field_name: [str(exc)]}) from None

    def filter_doi(self, queryset, name, value):
        return self._identifier(queryset, "doi", normalize_doi, value)

    def filter_pmid(self, queryset, name, value):
        return self._identifier(queryset, "pmid", normalize_pmid, value)

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*self.ORDERINGS[value])


class EditorArticleFilter(django_filters.FilterSet):
    """The editor's articles page: words, status, topic, people, due dates, and the order."""

    ORDERINGS = {
        "-updated": ("-updated_at", "-pk"),
        "title": ("title", "pk"),
        "status": ("status", "title"),
        "due": (F("next_due").asc(nulls_last=True), "title"),
    }

    q = django_filters.CharFilter(method="filter_q", max_length=200, label="Search")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    topic = django_filters.CharFilter(field_name="topic__slug", max_length=120)
    author = django_filters.CharFilter(field_name="authors__username", max_length=150, distinct=True)
    reviewer = django_filters.CharFilter(method="filter_reviewer", max_length=150)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue reviews")
    due_this_week = django_filters.BooleanFilter(method="filter_due_this_week", label="Due this week")
    ordering = django_filters.ChoiceFilter(
        choices=[(value, value) for value in ORDERINGS], method="filter_ordering", empty_label=None
    )

    class Meta:
        model = Article
        fields = ["q", "status", "topic", "author", "reviewer", "overdue", "due_this_week", "ordering"]

    @property
    def qs(self):
        articles = super().qs
        if not self.form.cleaned_data.get("ordering"):
            articles = articles.order_by(*self.ORDERINGS["-updated"])
        return articles

    def filter_q(self, queryset, name, value):
        # Every word must appear in the title, summary or body (words, not one phrase).
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return queryset

    def filter_reviewer(self, queryset, name, value):
        assigned = ReviewAssignment.objects.filter(
            round__article=OuterRef("pk"), reviewer__user__username=value
        )
        return queryset.filter(Exists(assigned))

    def _due(self, queryset, **due):
        pending = ReviewAssignment.objects.filter(
            round__article=OuterRef("pk"),
            round__status__in=OPEN_ROUND_STATUSES,
            status=AssignmentStatus.ASSIGNED,
            **due,
        )
        return queryset.filter(Exists(pending))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = self._due(queryset, due_date__lt=timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_due_this_week(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return self._due(queryset, due_date__gte=today, due_date__lte=today + timedelta(days=7))

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*self.ORDERINGS[value])
