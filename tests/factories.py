"""factory_boy factories: plain objects only; tests/states.py reaches states through the workflow."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from articles import services
from articles.models import Source, SourceType, Specialty
from reviews.models import BoardMember


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pass-word-123")


def _grant(user, *codenames):
    for codename in codenames:
        app_label, code = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=code))


class AuthorFactory(UserFactory):
    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        if create:
            _grant(user, "articles.add_article")


class EditorFactory(UserFactory):
    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        if create:
            _grant(user, "articles.manage_board", "articles.add_article")


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Specialty {n}")
    slug = factory.LazyAttribute(lambda s: s.name.lower().replace(" ", "-"))


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    # The username keeps two members apart when Faker gives them the same last name.
    display_name = factory.LazyAttribute(lambda m: f"Dr. {m.user.last_name or 'Member'} ({m.user.username})")
    credentials = "MD"
    active = True

    @factory.post_generation
    def specialties(member, create, extracted, **kwargs):
        if create and extracted:
            member.specialties.set(extracted)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"source{n}")
    type = SourceType.REVIEW
    title = factory.Sequence(lambda n: f"A study of back pain number {n}")
    authors = factory.LazyFunction(lambda: [{"family": "Will", "given": "Jeffrey S"}])
    container_title = "American Family Physician"
    container_title_short = "Am Fam Physician"
    year = 2018
    volume = "98"
    issue = "7"
    pages = "421-428"


def ArticleFactory(*, author, topic, title="Back spasms during chemotherapy", body=None, **fields):
    """A draft created the way an author creates one (through the service)."""
    return services.article_create_draft(
        actor=author,
        title=title,
        topic=topic,
        summary=fields.pop("summary", "What causes sharp back spasms and what helps."),
        body=body if body is not None else "Back spasms are common during chemotherapy.",
        **fields,
    )
