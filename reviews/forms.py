"""Forms of the editorial web app.

They check the shape of what a person typed and give field-level messages; every editorial rule
(who may, in which state, what a sign-off needs) is checked again by ``reviews.workflow`` or
``articles.services``, whose refusals the views attach to the same fields with ``add_errors``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.library.citations import FORMATS
from articles.library.sources import EDITABLE_SOURCE_FIELDS
from articles.models import Article, Audience, Source, Specialty
from reviews.models import (
    ATTESTATION,
    BoardMember,
    Decision,
    NotificationKind,
    NotificationPreference,
    ReviewPolicy,
)


def add_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Attach a ``ValidationError`` from a service to ``form``: each message next to its field.

    Keys the form does not have (after renaming through ``field_map``) become non-field errors,
    so no message is ever lost.
    """
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


class NoColonMixin:
    """Labels read "Title", not "Title:" (screen readers announce the colon)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class Form(NoColonMixin, forms.Form):
    pass


class ModelForm(NoColonMixin, forms.ModelForm):
    pass


# Articles ------------------------------------------------------------------------------------


class ArticleForm(Form):
    """An article's content: what the author writes and the reviewers sign."""

    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown under the title and in lists."),
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Specialty.objects.all(), empty_label=_("Choose a specialty")
    )
    body = forms.CharField(
        label=_("Body (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
        help_text=_("Cite a source of the library as [@key], several as [@key1; @key2]."),
    )
    attached_sources = forms.ModelMultipleChoiceField(
        label=_("Attached sources"),
        queryset=Source.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sources you collected for this article; the check warns about any you never cite."),
    )
    content_hash = forms.CharField(widget=forms.HiddenInput, required=False)

    content_fields = ("title", "summary", "body", "audience", "topic")

    @classmethod
    def for_article(cls, article: Article, **kwargs) -> ArticleForm:
        initial = {name: getattr(article, name) for name in cls.content_fields}
        initial["attached_sources"] = list(article.attached_sources.all())
        initial["content_hash"] = article.content_hash
        return cls(initial=initial, **kwargs)

    def content(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.content_fields}


class CommentForm(Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def comment_in(cls, data) -> str:
        """The optional comment posted with a workflow button; empty when absent or invalid."""
        form = cls(data)
        return form.cleaned_data["comment"] if form.is_valid() else ""


class RetractForm(Form):
    notice = forms.CharField(
        label=_("Retraction notice"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to readers in place of the article: say what was wrong and what to do instead."),
    )


class FlagForRereviewForm(Form):
    reason = forms.CharField(
        label=_("Why does it need another review?"), widget=forms.Textarea(attrs={"rows": 2})
    )


# Sources -------------------------------------------------------------------------------------


class AuthorsField(forms.CharField):
    """Authors as text, one a line: "Family, Given" for a person, a line without a comma for a group."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                name["literal"]
                if "literal" in name
                else ", ".join(filter(None, [name.get("family"), name.get("given")]))
                for name in value
            )
        return value

    def to_python(self, value) -> list[dict]:
        names = []
        for line in (value or "").splitlines():
            line = " ".join(line.split())
            if not line:
                continue
            family, comma, given = line.partition(",")
            if comma:
                names.append({"family": family.strip(), "given": given.strip()})
            else:
                names.append({"literal": line})
        return names


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # what a pasted "pubmed.ncbi.nlm.nih.gov/..." means
    return model_field.formfield(**kwargs)


class SourceForm(Form):
    """A library source entered by hand.

    The form only checks each field's shape (the model's own validators); normalising the
    identifiers and refusing a DOI, PMID or key that another source holds (naming that source)
    is ``articles.library.importing.source_create``'s job, the same rule the API and imports follow.
    """

    authors = AuthorsField(
        label=_("Authors"),
        required=False,
        help_text=_('One a line: "Will, Jeffrey S" for a person, "World Health Organization" for a group.'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Source,
            fields=[name for name in EDITABLE_SOURCE_FIELDS if name != "authors"],
            widgets={
                "title": forms.Textarea(attrs={"rows": 2}),
                "accessed": forms.DateInput(attrs={"type": "date"}),
            },
            formfield_callback=_formfield,
        )
        model_fields["key"].required = False
        publication_type = model_fields["publication_type"]
        publication_type.required = False
        publication_type.choices = [("", _("Work it out from the fields below")), *publication_type.choices]
        publication_type.initial = ""
        model_fields["key"].help_text = _(
            "Cite it as [@key], e.g. will2018. Leave empty to make one from the first author and year."
        )
        self.fields.update(model_fields)
        self.order_fields(EDITABLE_SOURCE_FIELDS)
        self.fields["accept_incomplete"] = forms.BooleanField(
            label=_("Save it without authors or a year"),
            required=False,
            help_text=_("For a work that truly has none (an undated web page); the library flags it."),
        )

    def clean(self):
        data = super().clean()
        missing = [
            label
            for name, label in (("authors", _("authors")), ("year", _("year")))
            if name in self.fields and not data.get(name)
        ]
        if missing and not data.get("accept_incomplete"):
            raise forms.ValidationError(
                _("This source has no %(missing)s: add them, or tick the box to save it flagged.")
                % {"missing": str(_(" and no ")).join(str(label) for label in missing)},
                code="incomplete",
            )
        return data

    def source_data(self) -> dict:
        """The source's fields, without the confirmation and the empty ones."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "accept_incomplete" and value not in (None, "")
        }


class SourceImportForm(Form):
    file = forms.FileField(
        label=_("File"), help_text=_("BibTeX (.bib), RIS (.ris), PubMed MEDLINE (.nbib) or CSL-JSON (.json).")
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Detect from the file"))] + [(name, name) for name in FORMATS],
    )
    partial = forms.BooleanField(
        label=_("Import the readable entries even if some are rejected"),
        required=False,
        help_text=_("Without this, a file with any rejected entry imports nothing."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; import nothing"),
        required=False,
    )


class SourceSearchForm(Form):
    q = forms.CharField(
        label=_("Search the library"),
        required=False,
        max_length=200,
        help_text=_("Key, title, author or DOI."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


# The board -----------------------------------------------------------------------------------


class AssignReviewersForm(Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=BoardMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reviewer.")},
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the review should be signed off."),
    )

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = list(suggestions)
        self.fields["reviewers"].queryset = BoardMember.objects.filter(
            pk__in=[m.pk for m in self.suggestions]
        )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise ValidationError(_("The due date cannot be in the past."), code="past")
        return due


class ConflictForm(Form):
    """The reviewer's conflict-of-interest declaration, required before signing off."""

    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this article?"),
        choices=[
            ("no", _("No: I have no financial or personal interest in this content")),
            ("yes", _("Yes: I have a conflict of interest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Declare whether you have a conflict of interest.")},
    )
    conflict_statement = forms.CharField(
        label=_("Describe the conflict"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you declare a conflict, e.g. consulting for the drug's maker."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_conflict") and not cleaned.get("conflict_statement", "").strip():
            self.add_error("conflict_statement", _("Describe the conflict of interest."))
        return cleaned


class SigningForm(Form):
    """The proof of identity a signature needs: the password again, or the device's one-time code."""

    password = forms.CharField(
        label=_("Your password, to sign"),
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp = forms.CharField(
        label=_("The one-time code from your device, to sign"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, uses_one_time_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # One proof of identity: the device's code once the signer has one, else the password.
        del self.fields["password" if uses_one_time_code else "otp"]

    @property
    def proof(self) -> dict:
        return {"password": self.cleaned_data.get("password", ""), "otp": self.cleaned_data.get("otp", "")}


class SignOffForm(SigningForm):
    """A reviewer's decision on exactly the content they were shown (``content_hash``)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comments = forms.CharField(
        label=_("Comments for the authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you request changes: say what to change and why."),
    )
    attestation = forms.BooleanField(
        label=ATTESTATION.rstrip("."),
        error_messages={"required": _("Confirm that you reviewed the content and its sources.")},
    )
    content_hash = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.REQUEST_CHANGES and not cleaned.get("comments", "").strip():
            self.add_error("comments", _("Tell the authors what to change."))
        return cleaned


class BoardMemberForm(ModelForm):
    class Meta:
        model = BoardMember
        fields = ["user", "display_name", "credentials", "specialties", "bio", "orcid", "active"]
        widgets = {
            "specialties": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        if self.instance.pk:
            # A membership belongs to one person for good; history would be misleading otherwise.
            user_field.disabled = True
        else:
            user_field.queryset = user_field.queryset.filter(board_member__isnull=True, is_active=True)
        user_field.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})" if user.get_full_name() else user.get_username()
        )


class ReviewPolicyForm(ModelForm):
    class Meta:
        model = ReviewPolicy
        fields = [
            "specialty",
            "approvals_required",
            "specialty_match_required",
            "review_interval_days",
            "assignment_due_days",
            "decision",
        ]
        widgets = {"decision": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older client, the admin's defaults), the policy decides automatically.
        self.fields["decision"].required = False
        specialty = self.fields["specialty"]
        specialty.empty_label = _("Site-wide default")
        if self.instance.pk:
            specialty.disabled = True
        else:
            taken = ReviewPolicy.objects.exclude(specialty=None).values("specialty_id")
            specialty.queryset = specialty.queryset.exclude(pk__in=taken)


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind of notification: send it by email too, or only in the app."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=NotificationPreference.email_enabled(user, kind)
            )

    def save(self) -> list[str]:
        """Store the choices; returns the labels of the kinds now sent in-app only."""
        for kind in NotificationKind.values:
            NotificationPreference.objects.update_or_create(
                user=self.user, kind=kind, defaults={"email": self.cleaned_data[kind]}
            )
        return [
            str(NotificationKind(kind).label)
            for kind in NotificationKind.values
            if not self.cleaned_data[kind]
        ]


class ApiTokenForm(Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_('What the token is for, e.g. "Reference manager" or "CI".'),
    )
