from django.contrib import admin

from boards.models import Arrow, Board, BoardTemplate, Card, CardLink, OpLog, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["position", "name", "colour"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
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
    readonly_fields = ["rev", "epoch", "created", "updated"]
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "board", "position", "colour"]
    search_fields = ["name", "board__title"]
    list_select_related = ["board"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["board", "phase", "owner"]


@admin.register(Arrow)
class ArrowAdmin(admin.ModelAdmin):
    list_display = ["__str__", "board", "weight", "deleted", "created"]
    list_filter = ["deleted"]
    search_fields = ["label", "board__title"]
    raw_id_fields = ["board", "from_card", "to_card"]


@admin.register(CardLink)
class CardLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "board", "source", "target", "deleted", "created"]
    list_filter = ["deleted"]
    search_fields = ["board__title", "source__text", "target__text"]
    list_select_related = ["board", "source", "target"]
    raw_id_fields = ["board", "source", "target"]


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
class OpLogAdmin(admin.ModelAdmin):
    list_display = ["board", "rev", "op_id", "user", "created"]
    search_fields = ["board__title", "op_id"]
    raw_id_fields = ["board"]
    readonly_fields = ["board", "rev", "op_id", "user", "ops", "created"]
