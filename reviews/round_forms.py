"""Forms of a review round in the web app: the review form, comments, the decision, the answers
to a decision letter, and the retraction's confirmation.

They check what a person typed; the rules are checked again by ``reviews.workflow``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.forms import Form, SigningForm
from reviews.models import Comment, Decision, FormAnswer, ReviewFormItem


class ReviewFormAnswers(Form):
    """One yes / no / not applicable question per checklist item, each with an optional note."""

    def __init__(self, *args, items: list[ReviewFormItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.question,
                choices=FormAnswer.choices,
                widget=forms.RadioSelect,
                required=False,
                help_text=item.guidance + (_(" (required to approve)") if item.required else ""),
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=5000, widget=forms.TextInput
            )

    def answers(self) -> dict:
        """The answers as the workflow takes them: ``{item_id: {"answer", "note"}}``."""
        data = self.cleaned_data
        return {
            str(item.pk): {"answer": data[f"item_{item.pk}"], "note": data.get(f"note_{item.pk}", "")}
            for item in self.items
            if data.get(f"item_{item.pk}")
        }

    def rows(self):
        """(question field, note field) per item, for the template."""
        return [(self[f"item_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]


class ThreadForm(Form):
    """A comment on a passage: the body, and the quote the reviewer selected (filled by the page)."""

    body = forms.CharField(
        label=_("Your comment"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    exact = forms.CharField(
        label=_("Quoted passage"),
        required=False,
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "readonly": True}),
        help_text=_("Select text in the article to quote it; empty: a general comment."),
    )
    prefix = forms.CharField(required=False, max_length=200, strip=False, widget=forms.HiddenInput)
    suffix = forms.CharField(required=False, max_length=200, strip=False, widget=forms.HiddenInput)
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def quote(self) -> dict:
        data = self.cleaned_data
        return {"exact": data["exact"], "prefix": data["prefix"], "suffix": data["suffix"]}


class ReplyForm(Form):
    body = forms.CharField(label=_("Reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(SigningForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    letter = forms.CharField(
        label=_("Decision letter to the authors"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when you request changes: what the authors should do."),
    )
    forward = forms.MultipleChoiceField(
        label=_("Comments to forward with the letter"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, threads: list[Comment], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forward"].choices = [
            (c.pk, f"{c.author.get_full_name() or c.author.get_username()}: {c.body[:120]}") for c in threads
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.REQUEST_CHANGES and not cleaned.get("letter", "").strip():
            self.add_error("letter", _("Write the decision letter: what the authors should change."))
        return cleaned


class ResubmitForm(Form):
    """The author's note and a reply to each comment the decision letter forwarded."""

    comment = forms.CharField(
        label=_("Note for the editors (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, forwarded: list[Comment], **kwargs):
        super().__init__(*args, **kwargs)
        self.forwarded = forwarded
        for comment in forwarded:
            self.fields[f"reply_{comment.pk}"] = forms.CharField(
                label=_("Your answer"),
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": _("Answer this comment before you resubmit.")},
            )
            self.fields[f"resolved_{comment.pk}"] = forms.BooleanField(label=_("Resolved"), required=False)

    def responses(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"comment": c.pk, "reply": data[f"reply_{c.pk}"], "resolved": data[f"resolved_{c.pk}"]}
            for c in self.forwarded
        ]

    def rows(self):
        return [(c, self[f"reply_{c.pk}"], self[f"resolved_{c.pk}"]) for c in self.forwarded]


class RetractConfirmForm(Form):
    """A retraction asks for its notice and, as a deliberate confirmation, the title typed again."""

    notice = forms.CharField(
        label=_("Retraction notice"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to readers in place of the article: say what was wrong and what to do instead."),
    )
    title = forms.CharField(label=_("Type the article's title to confirm"), max_length=255, strip=True)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean_title(self):
        typed = " ".join(self.cleaned_data["title"].split())
        if typed != " ".join(self.article.title.split()):
            raise forms.ValidationError(_("This is not the article's title; type it exactly to confirm."))
        return typed
