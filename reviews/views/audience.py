"""Naming an article's version for the other audience (the patient and the professional article)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from articles import roles, services
from articles.models import Article
from reviews.forms import add_errors
from reviews.views._common import visible_article


class CounterpartForm(forms.Form):
    counterpart = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        required=False,
        label=_("Version for the other audience"),
        help_text=_("Leave empty to unlink. Each version is reviewed on its own."),
    )

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["counterpart"]
        field.queryset = (
            Article.objects.exclude(audience=article.audience).exclude(pk=article.pk).order_by("title")
        )
        field.initial = article.audience_counterpart_id


@login_required
def audience_counterpart(request, pk: int):
    """Link or unlink the article's counterpart through ``articles.services``, which decides who
    may (``roles.link_audience_refusal``). Template: ``editorial/audience_counterpart.html``."""
    article = visible_article(request.user, pk)
    form = CounterpartForm(request.POST or None, article=article)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_set_audience_counterpart(
                actor=request.user, article=article, counterpart=form.cleaned_data["counterpart"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Audience versions saved."))
            return redirect("editorial:article", pk=article.pk)
    may_link = roles.link_audience_refusal(request.user, article, None) is None
    status = 400 if form.is_bound else 200
    context = {"article": article, "form": form, "may_link": may_link}
    return render(request, "editorial/audience_counterpart.html", context, status=status)
