"""Guest accounts (User.is_guest, made by boards.guests for people who joined a board
through a workshop link) see the board of their link and nothing else of the app.

Every view already refuses someone who is no member of an organisation; this middleware
is the second wall, in one place: a guest who asks for any page not on GUEST_ROUTES gets
404, as if it did not exist (no organisation page, member list, other board, preference
or password page; not even "create an organisation").
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

# By URL name: the board through the link and its data, joining, making an account (its
# address is confirmed once it is no guest's any more), the language switcher, logging in
# (as someone else) and out, and the probes for load balancers.
GUEST_ROUTES = frozenset(
    {
        "shared_board",
        "shared_gaps_json",
        "share_join",
        "guest_account",
        "language_set",
        "login",
        "logout",
        "healthz",
        "readyz",
        "metrics",
    }
)


class GuestMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_guest", False):
            return None
        match = request.resolver_match
        if match is None or match.url_name not in GUEST_ROUTES:
            raise Http404
        return None
