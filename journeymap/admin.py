from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from journeymap.actions import ActionError, membership_change_role, membership_remove
from journeymap.forms import AdminLoginForm
from journeymap.models import AuditEvent, Invite, Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "email_verified",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_active", "email_verified", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "email_verified", "name", "password"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        # A new address is not confirmed because the old one was (invites check it).
        if change and "email" in form.changed_data and "email_verified" not in form.changed_data:
            obj.email_verified = False
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    """Who is in the organisation; roles change and members leave on the membership's
    own page, through the actions that protect the last owner."""

    model = Membership
    extra = 0
    fields = ["user", "role", "joined"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """The sharing switches are read-only here: turning share links off must close every
    guest's socket at once and be audited, which organisation_set_sharing does from the
    organisation's settings page; a save here would skip it."""

    list_display = ["name", "created", "created_by", "member_count"]
    readonly_fields = ["allow_exports", "allow_share_links"]
    search_fields = ["name"]
    date_hierarchy = "created"
    inlines = [MembershipInline]

    @admin.display(description=_("members"))
    def member_count(self, obj: Organisation) -> int:
        return obj.memberships.count()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """A role change or a removal goes through journeymap.actions, as in the app: open
    boards hear of it (a removed member's sockets close) and the last owner stays. When
    the action refuses, nothing is saved and the page says why."""

    list_display = ["user", "organisation", "role", "joined"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    actions = ["remove_members"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Moving a membership to another person or organisation is a removal and a new
        # membership, not an edit.
        return ["user", "organisation", "joined"] if obj else ["joined"]

    def get_actions(
        self, request: HttpRequest, action_location=admin.ActionLocation.CHANGE_LIST
    ) -> dict:
        # The built-in bulk delete would skip membership_remove; remove_members replaces it.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
        elif "role" in form.changed_data:
            membership_change_role(membership=obj, role=obj.role)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_remove(membership=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ActionError as error:
            # Raised inside the view's transaction, so nothing (log entry included) is kept.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ActionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("Remove selected members from their organisations"))
    def remove_members(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        removed = 0
        for membership in queryset.select_related("user", "organisation"):
            try:
                membership_remove(membership=membership)
            except ActionError as error:
                self.message_user(
                    request,
                    f"{membership.user} ({membership.organisation}): {error}",
                    messages.ERROR,
                )
            else:
                removed += 1
        if removed:
            self.message_user(
                request,
                ngettext("%(count)d member removed.", "%(count)d members removed.", removed)
                % {"count": removed},
                messages.SUCCESS,
            )


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["organisation", "email", "role", "status", "created", "expires", "created_by"]
    list_filter = ["role", "organisation"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token", "accepted", "accepted_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: an audit log that can be edited is no record (journeymap.audit)."""

    list_display = ["created", "organisation", "actor", "action", "subject", "address"]
    list_filter = ["action"]
    search_fields = ["subject", "actor__email", "address"]
    list_select_related = ["organisation", "actor"]
    date_hierarchy = "created"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# The admin's login counts failures with the site's (journeymap.throttle).
admin.site.login_form = AdminLoginForm
