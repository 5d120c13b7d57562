from __future__ import annotations

from journeymap.models import Membership


def organisations(request) -> dict:
    """The organisations the person belongs to, for the switcher in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return {"my_memberships": memberships}
