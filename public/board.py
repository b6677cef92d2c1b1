"""The advisory board and its review policies, as the public pages show them."""

from __future__ import annotations

from reviews.models import BoardMember, ReviewPolicy


def editorial_board() -> list[BoardMember]:
    """Active board members with their specialties, by name (two queries)."""
    return list(BoardMember.objects.filter(active=True).prefetch_related("specialties"))


def review_policies() -> tuple[ReviewPolicy, list[ReviewPolicy]]:
    """``(site_wide, by_specialty)``: the default policy (built-in if none saved) and overrides."""
    policies = list(ReviewPolicy.objects.select_related("specialty").order_by("specialty__name"))
    site_wide = next((p for p in policies if p.specialty_id is None), None) or ReviewPolicy()
    return site_wide, [p for p in policies if p.specialty_id is not None]
