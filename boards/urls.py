from django.urls import path

from boards.views import card_panel, exports, guests, pages, panels, plans, sharing, versions

urlpatterns = [
    path("orgs/<int:organisation_id>/boards/", pages.board_list, name="board_list"),
    path("orgs/<int:organisation_id>/boards/new/", pages.board_create, name="board_create"),
    path("boards/<uuid:board_id>/", pages.board_detail, name="board_detail"),
    path("boards/<uuid:board_id>/rename/", pages.board_rename, name="board_rename"),
    path("boards/<uuid:board_id>/archive/", pages.board_archive, name="board_archive"),
    path("boards/<uuid:board_id>/delete/", pages.board_delete, name="board_delete"),
]

# The editor's side panel (boards/views/panels.py): htmx fragments, full pages without htmx.
urlpatterns += [
    path(
        "boards/<uuid:board_id>/panel/cards/<uuid:card_id>/",
        card_panel.panel_card,
        name="panel_card",
    ),
    path(
        "boards/<uuid:board_id>/panel/cards/<uuid:card_id>/save/",
        card_panel.panel_card_save,
        name="panel_card_save",
    ),
    path(
        "boards/<uuid:board_id>/panel/cards/<uuid:card_id>/links/",
        card_panel.panel_card_links,
        name="panel_card_links",
    ),
    path("boards/<uuid:board_id>/panel/board/", panels.panel_board, name="panel_board"),
    path(
        "boards/<uuid:board_id>/panel/board/rename/",
        panels.panel_board_rename,
        name="panel_board_rename",
    ),
    path(
        "boards/<uuid:board_id>/panel/board/template/",
        panels.panel_board_template,
        name="panel_board_template",
    ),
    path("boards/<uuid:board_id>/panel/people/", panels.panel_people, name="panel_people"),
    path("boards/<uuid:board_id>/panel/gaps/", panels.panel_gaps, name="panel_gaps"),
    path("boards/<uuid:board_id>/panel/strategy/", panels.panel_strategy, name="panel_strategy"),
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/",
        panels.panel_phase,
        name="panel_phase",
    ),
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/save/",
        panels.panel_phase_save,
        name="panel_phase_save",
    ),
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/suggestions/",
        panels.panel_phase_suggestion,
        name="panel_phase_suggestion",
    ),
    path("boards/<uuid:board_id>/gaps.json", panels.board_gaps_json, name="board_gaps_json"),
]

# The action plan and KPIs over time (boards/views/plans.py), in the same side panel.
urlpatterns += [
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/plan/",
        plans.panel_gap_plan,
        name="panel_gap_plan",
    ),
    path(
        "boards/<uuid:board_id>/panel/plan/<uuid:card_id>/status/",
        plans.panel_plan_status,
        name="panel_plan_status",
    ),
    path(
        "boards/<uuid:board_id>/panel/plan/<uuid:card_id>/activity/",
        plans.panel_plan_activity,
        name="panel_plan_activity",
    ),
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/kpis/accept/",
        plans.panel_phase_kpi_accept,
        name="panel_phase_kpi_accept",
    ),
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/readings/",
        plans.panel_phase_reading,
        name="panel_phase_reading",
    ),
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/readings/remove/",
        plans.panel_phase_reading_remove,
        name="panel_phase_reading_remove",
    ),
    path("boards/<uuid:board_id>/outline/", pages.board_outline, name="board_outline"),
]

# Versions (boards/snapshots.py).
urlpatterns += [
    path("boards/<uuid:board_id>/versions/", versions.board_versions, name="board_versions"),
    path(
        "boards/<uuid:board_id>/versions/<uuid:snapshot_id>/",
        versions.snapshot_detail,
        name="snapshot_detail",
    ),
    path(
        "boards/<uuid:board_id>/versions/<uuid:snapshot_id>/restore/",
        versions.snapshot_restore,
        name="snapshot_restore",
    ),
]

# Exports and imports (boards/exports/, docs/exports.md).
urlpatterns += [
    path(
        "boards/<uuid:board_id>/export/<slug:fmt>/",
        exports.export_board,
        name="board_export",
    ),
    path(
        "orgs/<int:organisation_id>/boards/import/",
        exports.board_import,
        name="board_import",
    ),
]

# Share links (boards/sharing.py): managed by facilitators, opened by anyone with one.
urlpatterns += [
    path("boards/<uuid:board_id>/sharing/", sharing.board_sharing, name="board_sharing"),
    path(
        "boards/<uuid:board_id>/sharing/<uuid:link_id>/revoke/",
        sharing.share_revoke,
        name="share_revoke",
    ),
    path("s/<str:token>/", sharing.shared_board, name="shared_board"),
    path("s/<str:token>/gaps.json", sharing.shared_gaps_json, name="shared_gaps_json"),
    # Guests of workshop links (boards/guests.py).
    path("s/<str:token>/join/", guests.share_join, name="share_join"),
    path("guest/account/", guests.guest_account, name="guest_account"),
]
