from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journeymap import actions, audit, mail
from journeymap.access import (
    Can,
    capabilities,
    get_organisation_for_user,
    may_assign_role,
    role_allows,
)
from journeymap.forms import (
    InviteForm,
    OrganisationForm,
    OrganisationLocaleForm,
    RoleForm,
    SharingForm,
)
from journeymap.locale import organisation_locale
from journeymap.models import Invite, Membership, Role

SESSION_ORGANISATION = "organisation_id"
AUDIT_PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the organisation the person used last, or ask them to create their first."""
    memberships = Membership.objects.filter(user=request.user)
    last = request.session.get(SESSION_ORGANISATION)
    membership = memberships.filter(organisation_id=last).first() or memberships.first()
    if membership is None:
        return redirect("organisation_create")
    return redirect("board_list", organisation_id=membership.organisation_id)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = actions.organisation_create(
            name=form.cleaned_data["name"], creator=request.user
        )
        messages.success(request, _("Organisation “%(name)s” created.") % {"name": organisation})
        return redirect("board_list", organisation_id=organisation.id)
    return render(request, "journeymap/organisation_create.html", {"form": form})


@login_required
def organisation_settings(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, membership = get_organisation_for_user(
        request.user, organisation_id, Can.RENAME_ORGANISATION
    )
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        actions.organisation_rename(organisation=organisation, name=form.cleaned_data["name"])
        messages.success(request, _("Organisation renamed."))
        return redirect("organisation_settings", organisation_id=organisation.id)
    sharing_form = SharingForm(
        initial={
            "allow_exports": organisation.allow_exports,
            "allow_share_links": organisation.allow_share_links,
        }
    )
    locale_form = OrganisationLocaleForm(
        initial={"language": organisation.language, "time_zone": organisation.time_zone}
    )
    return render(
        request,
        "journeymap/organisation_settings.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can": capabilities(membership),
            "form": form,
            "sharing_form": sharing_form,
            "locale_form": locale_form,
            "nav": "settings",
        },
    )


@login_required
def audit_log(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's audit log, newest first: owners only."""
    organisation, membership = get_organisation_for_user(
        request.user, organisation_id, Can.VIEW_AUDIT_LOG
    )
    events = organisation.audit_events.select_related("actor")
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "journeymap/audit_log.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can": capabilities(membership),
            "page": page,
            "events": [(event, audit.describe(event)) for event in page],
            "nav": "settings",
        },
    )


@login_required
@require_POST
def organisation_sharing(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Owners and admins turn exports and share links on or off for every board."""
    organisation, _membership = get_organisation_for_user(
        request.user, organisation_id, Can.MANAGE_SHARING
    )
    form = SharingForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    actions.organisation_set_sharing(
        organisation=organisation,
        allow_exports=form.cleaned_data["allow_exports"],
        allow_share_links=form.cleaned_data["allow_share_links"],
    )
    messages.success(request, _("Sharing settings saved."))
    return redirect("organisation_settings", organisation_id=organisation.id)


@login_required
def member_list(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, membership = get_organisation_for_user(request.user, organisation_id)
    request.session[SESSION_ORGANISATION] = organisation.id
    can_manage = role_allows(membership.role, Can.MANAGE_MEMBERS)
    members = organisation.memberships.select_related("user").order_by("user__name", "user__email")
    invites = organisation.invites.filter(accepted=None, revoked=None) if can_manage else []
    return render(
        request,
        "journeymap/member_list.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can": capabilities(membership),
            "members": [
                {
                    "m": m,
                    "roles": [
                        (value, label)
                        for value, label in Role.choices
                        if may_assign_role(membership, value, m.role)
                    ],
                }
                for m in members
            ],
            "can_manage": can_manage,
            "nav": "members",
            "invites": invites,
            "invite_form": InviteForm(),
            "new_invite": _new_invite(request, organisation),
        },
    )


def _new_invite(request: HttpRequest, organisation) -> Invite | None:
    """The invite just made, to show its copyable link once."""
    invite_id = request.session.pop("new_invite", None)
    if not invite_id:
        return None
    return Invite.objects.filter(pk=invite_id, organisation=organisation).first()


def _member_for_manager(request: HttpRequest, organisation_id: int, member_id: int):
    organisation, actor = get_organisation_for_user(
        request.user, organisation_id, Can.MANAGE_MEMBERS
    )
    target = get_object_or_404(Membership, pk=member_id, organisation=organisation)
    return organisation, actor, target


@login_required
@require_POST
def member_change_role(request: HttpRequest, organisation_id: int, member_id: int) -> HttpResponse:
    organisation, actor, target = _member_for_manager(request, organisation_id, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles in the list."))
        return redirect("member_list", organisation_id=organisation.id)
    role = form.cleaned_data["role"]
    if not may_assign_role(actor, role, target.role):
        raise PermissionDenied
    try:
        actions.membership_change_role(membership=target, role=role)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s now has the role %(role)s.")
            % {"name": target.user, "role": Role(role).label},
        )
    return redirect("member_list", organisation_id=organisation.id)


def _confirmed(request: HttpRequest) -> bool:
    """Whether a POST that cannot be undone was confirmed: by the page's dialog
    (static/js/page/confirm.js adds `confirmed` once it is accepted) or, when the click
    came before the page's scripts ran or without them, on the page `_confirm` shows."""
    return request.POST.get("confirmed") == "1"


def _confirm(request: HttpRequest, question: str, button: str, back: str) -> HttpResponse:
    return render(
        request,
        "journeymap/confirm.html",
        {"question": question, "button": button, "back": back, "danger": True},
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, organisation_id: int, member_id: int) -> HttpResponse:
    organisation, actor, target = _member_for_manager(request, organisation_id, member_id)
    if not may_assign_role(actor, target.role, target.role):
        raise PermissionDenied
    if not _confirmed(request):
        return _confirm(
            request,
            _("Remove %(name)s from the organisation?") % {"name": target.user.name},
            _("Remove"),
            reverse("member_list", args=[organisation.id]),
        )
    try:
        actions.membership_remove(membership=target)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(name)s was removed from the organisation.") % {"name": target.user}
        )
    return redirect("member_list", organisation_id=organisation.id)


@login_required
@require_POST
def organisation_leave(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, membership = get_organisation_for_user(request.user, organisation_id)
    if not _confirmed(request):
        return _confirm(
            request,
            _("Leave this organisation? You will lose access to its boards."),
            _("Leave organisation"),
            reverse("member_list", args=[organisation.id]),
        )
    try:
        actions.membership_remove(membership=membership)
    except actions.ActionError as error:
        messages.error(request, str(error))
        return redirect("member_list", organisation_id=organisation.id)
    request.session.pop(SESSION_ORGANISATION, None)
    messages.success(request, _("You left %(name)s.") % {"name": organisation})
    return redirect("home")


@login_required
@require_POST
def invite_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation, actor = get_organisation_for_user(
        request.user, organisation_id, Can.MANAGE_MEMBERS
    )
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("member_list", organisation_id=organisation.id)
    role = form.cleaned_data["role"]
    if not may_assign_role(actor, role):
        raise PermissionDenied
    invite = actions.invite_create(
        organisation=organisation,
        role=role,
        created_by=request.user,
        email=form.cleaned_data["email"],
    )
    link = request.build_absolute_uri(reverse("invite_accept", args=[invite.token]))
    if invite.email:
        # Written in the organisation's language: the person may have no account yet.
        with organisation_locale(organisation):
            mail.send(
                subject=_("You are invited to %(organisation)s on Journeymap")
                % {"organisation": organisation},
                body=_(
                    "%(name)s invites you to map customer lifecycles with %(organisation)s."
                    "\n\nYour role: %(role)s\n\nAccept the invite: %(link)s\n\nThe link "
                    "works once and expires on %(expires)s."
                )
                % {
                    "name": request.user.name,
                    "organisation": organisation,
                    "role": invite.get_role_display(),
                    "link": link,
                    "expires": date_format(timezone.localtime(invite.expires), "DATE_FORMAT"),
                },
                to=invite.email,
            )
        messages.success(request, _("Invite sent to %(email)s.") % {"email": invite.email})
    else:
        messages.success(request, _("Invite link created. Copy it and share it."))
    request.session["new_invite"] = str(invite.pk)
    return redirect("member_list", organisation_id=organisation.id)


@login_required
@require_POST
def invite_revoke(request: HttpRequest, organisation_id: int, invite_id) -> HttpResponse:
    organisation, _actor = get_organisation_for_user(
        request.user, organisation_id, Can.MANAGE_MEMBERS
    )
    invite = get_object_or_404(Invite, pk=invite_id, organisation=organisation)
    actions.invite_revoke(invite=invite)
    messages.success(request, _("Invite revoked."))
    return redirect("member_list", organisation_id=organisation.id)
