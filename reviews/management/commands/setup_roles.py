"""``manage.py setup_roles``: the Editors, Authors and Reviewers groups with their permissions.

The permissions below are the definition of each role: running the command brings the groups to
exactly this state (adding what is missing, removing what is not listed), so it is idempotent.
Who may take which workflow step is decided in ``reviews.workflow``; these permissions only open
the doors those rules look at (``articles.manage_board``, ``articles.add_article``) and the
views of the admin and the editorial app.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

VIEW_CONTENT = (
    "articles.view_article",
    "articles.view_source",
    "articles.view_specialty",
    "articles.view_citation",
    "articles.view_publication",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Editors run the board and use the admin (they are staff): they keep the library, the board
    # and the policies, and read every record the workflow writes.
    "Editors": (
        *VIEW_CONTENT,
        "articles.manage_board",
        "articles.add_article",
        "articles.change_article",
        "articles.add_source",
        "articles.change_source",
        "articles.add_specialty",
        "articles.change_specialty",
        "reviews.view_boardmember",
        "reviews.add_boardmember",
        "reviews.change_boardmember",
        "reviews.view_reviewpolicy",
        "reviews.add_reviewpolicy",
        "reviews.change_reviewpolicy",
        "reviews.view_reviewround",
        "reviews.view_reviewassignment",
        "reviews.view_signoff",
        "reviews.view_signature",
        "reviews.view_transitionlog",
        "reviews.view_auditentry",
        "reviews.view_notification",
        "reviews.view_notificationpreference",
        "reviews.view_remindersent",
        "articles.view_sourcenotice",
        # To pick the user of a new board member in the admin.
        "auth.view_user",
    ),
    # Authors draft articles (editing is limited to their own by articles.services) and add
    # sources to the shared library.
    "Authors": (
        *VIEW_CONTENT,
        "articles.add_article",
        "articles.change_article",
        "articles.add_source",
        "articles.change_source",
    ),
    # Reviewers are active BoardMember rows; the group only lets them read what they review.
    "Reviewers": (
        *VIEW_CONTENT,
        "reviews.view_reviewround",
        "reviews.view_reviewassignment",
        "reviews.view_signoff",
    ),
}


def resolve_permissions(names: tuple[str, ...]) -> list[Permission]:
    """The Permission rows for ``app_label.codename`` names; a missing one is an error."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _app, codename in wanted]
        )
    }
    missing = sorted(".".join(key) for key in wanted if key not in found)
    if missing:
        raise CommandError(f"Unknown permissions (run migrate first?): {', '.join(missing)}")
    return [found[key] for key in sorted(wanted)]


class Command(BaseCommand):
    help = "Create or update the Editors, Authors and Reviewers groups with their permissions."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, permission_names in ROLE_PERMISSIONS.items():
            permissions = resolve_permissions(permission_names)
            group, created = Group.objects.get_or_create(name=name)
            before = set(group.permissions.values_list("pk", flat=True))
            after = {p.pk for p in permissions}
            group.permissions.set(permissions)
            if created:
                change = "created"
            elif before == after:
                change = "unchanged"
            else:
                change = f"updated: {len(after - before)} added, {len(before - after)} removed"
            if options["verbosity"] >= 1:
                self.stdout.write(f"Group {name}: {len(after)} permissions ({change})")
