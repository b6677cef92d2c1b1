"""The advisory board and its review policies, as the public pages show them."""

from __future__ import annotations

from articles.models import ListedPublication
from reviews.models import BoardMember, Decision, ReviewPolicy, SignOff


def editorial_board() -> list[BoardMember]:
    """Active board members with their specialties, by name (two queries)."""
    return list(BoardMember.objects.filter(active=True).prefetch_related("specialties"))


def board_member(slug: str) -> BoardMember | None:
    """The active member at ``slug`` with their specialties (two queries), or ``None``."""
    return BoardMember.objects.filter(active=True, slug=slug).prefetch_related("specialties").first()


def reviewed_by(member: BoardMember) -> list[ListedPublication]:
    """The listed articles whose approval ``member`` signed, by title (one query)."""
    approved = SignOff.objects.filter(assignment__reviewer=member, decision=Decision.APPROVE)
    return list(
        ListedPublication.objects.filter(article_id__in=approved.values("assignment__round__article_id"))
        .only("slug", "title", "topic_name", "audience", "last_reviewed_at")
        .order_by("title", "id")
    )


def orcid_url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}" if orcid else ""


def review_policies() -> tuple[ReviewPolicy, list[ReviewPolicy]]:
    """``(site_wide, by_specialty)``: the default policy (built-in if none saved) and overrides."""
    policies = list(ReviewPolicy.objects.select_related("specialty").order_by("specialty__name"))
    site_wide = next((p for p in policies if p.specialty_id is None), None) or ReviewPolicy()
    return site_wide, [p for p in policies if p.specialty_id is not None]
