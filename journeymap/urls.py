from django.contrib import admin
from django.urls import include, path

from journeymap import account_views, health, invite_views, locale_views, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("", views.home, name="home"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/confirm/<uidb64>/<token>/", account_views.email_confirm, name="email_confirm"),
    path("accounts/confirm/send/", account_views.email_confirm_send, name="email_confirm_send"),
    path("accounts/preferences/", locale_views.preferences, name="preferences"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("language/", locale_views.language_set, name="language_set"),
    path("orgs/new/", views.organisation_create, name="organisation_create"),
    path(
        "orgs/<int:organisation_id>/settings/",
        views.organisation_settings,
        name="organisation_settings",
    ),
    path(
        "orgs/<int:organisation_id>/settings/sharing/",
        views.organisation_sharing,
        name="organisation_sharing",
    ),
    path(
        "orgs/<int:organisation_id>/settings/audit/",
        views.audit_log,
        name="audit_log",
    ),
    path(
        "orgs/<int:organisation_id>/settings/locale/",
        locale_views.organisation_locale_update,
        name="organisation_locale",
    ),
    path("orgs/<int:organisation_id>/members/", views.member_list, name="member_list"),
    path(
        "orgs/<int:organisation_id>/members/<int:member_id>/role/",
        views.member_change_role,
        name="member_change_role",
    ),
    path(
        "orgs/<int:organisation_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("orgs/<int:organisation_id>/leave/", views.organisation_leave, name="organisation_leave"),
    path("orgs/<int:organisation_id>/invites/", views.invite_create, name="invite_create"),
    path(
        "orgs/<int:organisation_id>/invites/<uuid:invite_id>/revoke/",
        views.invite_revoke,
        name="invite_revoke",
    ),
    path("invites/<str:token>/", invite_views.invite_accept, name="invite_accept"),
    path("", include("boards.urls")),
    path("admin/", admin.site.urls),
]
