from django.urls import path

from boards import export_views, panels, share_views, version_views, views

urlpatterns = [
    path("orgs/<int:organisation_id>/boards/", views.board_list, name="board_list"),
    path("orgs/<int:organisation_id>/boards/new/", views.board_create, name="board_create"),
    path("boards/<uuid:board_id>/", views.board_detail, name="board_detail"),
    path("boards/<uuid:board_id>/rename/", views.board_rename, name="board_rename"),
    path("boards/<uuid:board_id>/archive/", views.board_archive, name="board_archive"),
    path("boards/<uuid:board_id>/delete/", views.board_delete, name="board_delete"),
]

# The editor's side panel (boards/panels.py): htmx fragments, full pages without htmx.
urlpatterns += [
    path(
        "boards/<uuid:board_id>/panel/cards/<uuid:card_id>/",
        panels.panel_card,
        name="panel_card",
    ),
    path("boards/<uuid:board_id>/panel/board/", panels.panel_board, name="panel_board"),
    path("boards/<uuid:board_id>/panel/people/", panels.panel_people, name="panel_people"),
    path("boards/<uuid:board_id>/panel/gaps/", panels.panel_gaps, name="panel_gaps"),
    path("boards/<uuid:board_id>/panel/strategy/", panels.panel_strategy, name="panel_strategy"),
    path(
        "boards/<uuid:board_id>/panel/phases/<uuid:phase_id>/",
        panels.panel_phase,
        name="panel_phase",
    ),
    path("boards/<uuid:board_id>/gaps.json", panels.board_gaps_json, name="board_gaps_json"),
    path("boards/<uuid:board_id>/outline/", views.board_outline, name="board_outline"),
]

# Versions (boards/snapshots.py).
urlpatterns += [
    path("boards/<uuid:board_id>/versions/", version_views.board_versions, name="board_versions"),
    path(
        "boards/<uuid:board_id>/versions/<uuid:snapshot_id>/",
        version_views.snapshot_detail,
        name="snapshot_detail",
    ),
    path(
        "boards/<uuid:board_id>/versions/<uuid:snapshot_id>/restore/",
        version_views.snapshot_restore,
        name="snapshot_restore",
    ),
]

# Exports and imports (boards/exports/, docs/exports.md).
urlpatterns += [
    path(
        "boards/<uuid:board_id>/export/<slug:fmt>/",
        export_views.export_board,
        name="board_export",
    ),
    path(
        "orgs/<int:organisation_id>/boards/import/",
        export_views.board_import,
        name="board_import",
    ),
]

# Share links (boards/sharing.py): managed by facilitators, opened by anyone with one.
urlpatterns += [
    path("boards/<uuid:board_id>/sharing/", share_views.board_sharing, name="board_sharing"),
    path(
        "boards/<uuid:board_id>/sharing/<uuid:link_id>/revoke/",
        share_views.share_revoke,
        name="share_revoke",
    ),
    path("s/<str:token>/", share_views.shared_board, name="shared_board"),
    path("s/<str:token>/gaps.json", share_views.shared_gaps_json, name="shared_gaps_json"),
]
