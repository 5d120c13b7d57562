from django.contrib import admin

from boards.models import Arrow, Board, Card, OpLog, Phase


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
    list_display = ["__str__", "kind", "board", "phase", "channel", "author", "deleted", "created"]
    list_filter = ["kind", "channel", "deleted"]
    search_fields = ["text", "board__title"]
    list_select_related = ["board", "phase", "author"]
    raw_id_fields = ["board", "phase"]


@admin.register(Arrow)
class ArrowAdmin(admin.ModelAdmin):
    list_display = ["__str__", "board", "weight", "deleted", "created"]
    list_filter = ["deleted"]
    search_fields = ["label", "board__title"]
    raw_id_fields = ["board", "from_card", "to_card"]


@admin.register(OpLog)
class OpLogAdmin(admin.ModelAdmin):
    list_display = ["board", "rev", "op_id", "user", "created"]
    search_fields = ["board__title", "op_id"]
    raw_id_fields = ["board"]
    readonly_fields = ["board", "rev", "op_id", "user", "ops", "created"]
