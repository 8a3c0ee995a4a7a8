"""The root URLconf (a project module: it may include every app). The core's own pages
(accounts, organisation switcher, health check, API tokens) are here; each app brings
its pages in its own ``urls.py``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from kitos import health, option_views, pickers, views
from kitos.api import token_views
from kitos.login import views as login_views

# Admin pages of models that moved to another app with the layers (README: Architecture):
# old bookmarks lead to the new place. (old app, model) -> new app.
MOVED_ADMIN_PAGES = {
    ("roles", "organisation"): "kitos",
    ("roles", "membership"): "kitos",
    ("contracts", "supplier"): "portfolio",
    ("contracts", "alertrule"): "alerts",
    ("contracts", "contractsubscription"): "alerts",
    ("contracts", "alertdelivery"): "alerts",
    ("kitos", "importrun"): "imports",
}

urlpatterns = [
    re_path(
        rf"^admin/{old_app}/{model}/(?P<rest>.*)$",
        RedirectView.as_view(url=f"/admin/{new_app}/{model}/%(rest)s", query_string=True),
    )
    for (old_app, model), new_app in MOVED_ADMIN_PAGES.items()
]
urlpatterns += [
    path("", include("overview.urls")),
    path(
        "organisation/skift/", views.SwitchOrganisationView.as_view(), name="switch_organisation"
    ),
    # Answered by kitos.health.HealthEndpointsMiddleware before the Host header is checked;
    # the routes name them for reverse() and the crawl of public pages.
    path("vaelg/<slug:kind>/", pickers.PickerView.as_view(), name="picker"),
    path(
        "organisationer/<slug:slug>/valglister/",
        option_views.OptionKindListView.as_view(),
        name="option_kinds",
    ),
    path(
        "organisationer/<slug:slug>/valglister/<slug:kind>/",
        option_views.OptionKindView.as_view(),
        name="option_kind",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("konto/log-ind/", login_views.LoginView.as_view(), name="login"),
    path("konto/log-ind/kode/", login_views.LoginCodeView.as_view(), name="login_code"),
    path("konto/to-faktor/", login_views.TwoFactorView.as_view(), name="two_factor"),
    path(
        "konto/to-faktor/opsaet/",
        login_views.TwoFactorSetupView.as_view(),
        name="two_factor_setup",
    ),
    path(
        "konto/to-faktor/reservekoder/",
        login_views.TwoFactorBackupCodesView.as_view(),
        name="two_factor_backup_codes",
    ),
    path(
        "konto/to-faktor/slaa-fra/",
        login_views.TwoFactorDisableView.as_view(),
        name="two_factor_disable",
    ),
    path("konto/log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "konto/adgangskode/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "konto/adgangskode/skiftet/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "konto/glemt-adgangskode/",
        login_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "konto/glemt-adgangskode/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/ny-adgangskode/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/ny-adgangskode/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", login_views.admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    path("api/", include("kitos.api_urls")),
    path("konto/api-noegler/", token_views.ApiTokenListView.as_view(), name="api_token_list"),
    path(
        "konto/api-noegler/<int:pk>/tilbagekald/",
        token_views.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    path("", include("roles.urls")),
    path("", include("portfolio.urls")),
    path("", include("contracts.urls")),
    path("", include("gdpr.urls")),
    path("", include("alerts.urls")),
    path("", include("imports.urls")),
    path("", include("references.urls")),
    path("", include("governance.urls")),
    path("", include("integrations.urls")),
    path("", include("webhooks.urls")),
    path("", include("landscape.urls")),
    path("", include("sso.urls")),
]

handler404 = "kitos.views.handler404"
