"""The admin shows board content and never edits it.

A board's content (title, phases, cards, arrows, links) changes only through ops
(boards.actions.board_apply_ops): one revision, an OpLog row and a broadcast, so every
open page sees the change. An edit saved here would have none of that and open boards
would never hear of it, so content is read-only. What an operator may do goes through
the same actions as the app: archive or delete a board, revoke a share link.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from boards import actions, sharing
from boards.models import (
    Arrow,
    Board,
    BoardTemplate,
    Card,
    CardLink,
    Guest,
    OpLog,
    Phase,
    ShareLink,
    Snapshot,
)


class ReadOnlyMixin:
    """View only: no add, change or delete (actions may still act through boards.actions)."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class PhaseInline(ReadOnlyMixin, admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["position", "name", "colour"]


@admin.register(Board)
class BoardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "framework",
        "stage",
        "rev",
        "epoch",
        "archived",
        "updated",
        "updated_by",
    ]
    list_filter = ["archived", "framework", "organisation"]
    search_fields = ["title", "organisation__name"]
    inlines = [PhaseInline]
    actions = ["archive", "restore", "delete_boards"]

    @admin.action(description=_("Archive selected boards"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Board]) -> None:
        self._set_archived(request, queryset, archived=True)

    @admin.action(description=_("Restore selected boards from the archive"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Board]) -> None:
        self._set_archived(request, queryset, archived=False)

    def _set_archived(self, request: HttpRequest, queryset, *, archived: bool) -> None:
        boards = list(queryset)
        for board in boards:
            actions.board_set_archived(board=board, archived=archived)
        self.message_user(
            request,
            (
                ngettext("%(count)d board archived.", "%(count)d boards archived.", len(boards))
                if archived
                else ngettext(
                    "%(count)d board restored.", "%(count)d boards restored.", len(boards)
                )
            )
            % {"count": len(boards)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Delete selected boards"))
    def delete_boards(self, request: HttpRequest, queryset: QuerySet[Board]):
        """Through boards.actions.board_delete, so the board's open pages are told; asks
        first, like the admin's own delete."""
        boards = list(queryset.select_related("organisation"))
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/boards/board/delete_boards.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Delete boards"),
                    "opts": self.opts,
                    "boards": boards,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for board in boards:
            actions.board_delete(board=board)
        self.message_user(
            request,
            ngettext("%(count)d board deleted.", "%(count)d boards deleted.", len(boards))
            % {"count": len(boards)},
            messages.SUCCESS,
        )
        return None


@admin.register(Phase)
class PhaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "board", "position", "colour"]
    search_fields = ["name", "board__title"]
    list_select_related = ["board"]


@admin.register(Card)
class CardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "board",
        "phase",
        "channel",
        "priority",
        "owner",
        "author",
        "deleted",
        "created",
    ]
    list_filter = ["kind", "channel", "priority", "deleted"]
    search_fields = ["text", "board__title"]
    list_select_related = ["board", "phase", "author", "owner"]


@admin.register(Arrow)
class ArrowAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "board", "weight", "deleted", "created"]
    list_filter = ["deleted"]
    search_fields = ["label", "board__title"]
    list_select_related = ["board", "from_card", "to_card"]


@admin.register(CardLink)
class CardLinkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "board", "source", "target", "deleted", "created"]
    list_filter = ["deleted"]
    search_fields = ["board__title", "source__text", "target__text"]
    list_select_related = ["board", "source", "target"]


@admin.register(BoardTemplate)
class BoardTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "created_by", "created"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation", "created_by"]
    raw_id_fields = ["organisation", "created_by"]
    # Written by template_create_from_board in the shape board_create reads; a hand edit
    # could break the boards made from it.
    readonly_fields = ["content", "created"]


@admin.register(OpLog)
class OpLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["board", "rev", "op_id", "user", "created"]
    search_fields = ["board__title", "op_id"]
    list_select_related = ["board", "user"]


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "board", "kind", "rev", "card_count", "created_by", "created"]
    list_filter = ["kind"]
    search_fields = ["name", "board__title"]
    list_select_related = ["board", "created_by"]


class GuestInline(ReadOnlyMixin, admin.TabularInline):
    """Who joined through a workshop link (boards.guests)."""

    model = Guest
    extra = 0
    fields = ["user", "created"]
    readonly_fields = ["user", "created"]


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "board",
        "role",
        "live",
        "expires",
        "revoked",
        "created_by",
        "created",
    ]
    list_filter = ["role", "live", ("revoked", admin.EmptyFieldListFilter)]
    search_fields = ["label", "board__title"]
    list_select_related = ["board", "created_by"]
    # The token opens the board: an operator revokes a link, never copies it.
    exclude = ["token"]
    inlines = [GuestInline]
    actions = ["revoke"]

    @admin.action(description=_("Revoke selected share links"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ShareLink]) -> None:
        """Through boards.sharing.share_link_revoke, so the link's open sockets close."""
        links = list(queryset)
        for link in links:
            sharing.share_link_revoke(link=link)
        self.message_user(
            request,
            ngettext(
                "%(count)d share link revoked: it no longer opens its board.",
                "%(count)d share links revoked: they no longer open their boards.",
                len(links),
            )
            % {"count": len(links)},
            messages.SUCCESS,
        )
