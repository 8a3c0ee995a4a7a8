"""Top-level URLs: accounts, home, health check, admin, the app pages, notifications
and the personal calendar feed."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gdpr import gap_views
from portfolio import kle_views

from . import import_views, notifications, views
from .api import token_views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "oversigt/",
        views.ActiveOrganisationRedirectView.as_view(route="dashboard"),
        name="dashboard_active",
    ),
    path(
        "organisationer/<slug:slug>/oversigt/", views.DashboardView.as_view(), name="dashboard"
    ),
    path(
        "mangler/",
        views.ActiveOrganisationRedirectView.as_view(route="gap_overview"),
        name="gap_overview_active",
    ),
    path(
        "organisationer/<slug:slug>/mangler/",
        gap_views.GapOverviewView.as_view(),
        name="gap_overview",
    ),
    path(
        "organisationer/<slug:slug>/mangler/<slug:key>/",
        gap_views.GapRuleView.as_view(),
        name="gap_rule",
    ),
    path("min-side/", views.MyPageView.as_view(), name="my_page"),
    path("soeg/", views.SearchView.as_view(), name="search"),
    path(
        "organisation/skift/", views.SwitchOrganisationView.as_view(), name="switch_organisation"
    ),
    path("healthz", views.healthz, name="healthz"),
    path(
        "konto/log-ind/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
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
        auth_views.PasswordResetView.as_view(),
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
    # KLE browsing lives beside the portfolio pages (portfolio/kle_views.py).
    path("kle/", kle_views.KleListView.as_view(), name="kle_list"),
    path("kle/<str:number>/", kle_views.KleDetailView.as_view(), name="kle_detail"),
    path("varsler/", notifications.NotificationListView.as_view(), name="notification_list"),
    path(
        "varsler/ny-kalenderadresse/<uuid:uuid>/",
        notifications.CalendarTokenRotateView.as_view(),
        name="calendar_token_rotate",
    ),
    path(
        "varsler/<int:pk>/laest/",
        notifications.NotificationMarkReadView.as_view(),
        name="notification_mark_read",
    ),
    path(
        "varsler/alle-laest/",
        notifications.NotificationMarkAllReadView.as_view(),
        name="notification_mark_all_read",
    ),
    path(
        "organisationer/<slug:slug>/varslingsregler/",
        notifications.AlertRuleListView.as_view(),
        name="alert_rule_list",
    ),
    path(
        "organisationer/<slug:slug>/varslingsregler/<int:pk>/skift/",
        notifications.AlertRuleChangeView.as_view(action="toggle"),
        name="alert_rule_toggle",
    ),
    path(
        "organisationer/<slug:slug>/varslingsregler/<int:pk>/slet/",
        notifications.AlertRuleChangeView.as_view(action="delete"),
        name="alert_rule_delete",
    ),
    path(
        "import/",
        views.ActiveOrganisationRedirectView.as_view(route="import_start"),
        name="import_home",
    ),
    path(
        "organisationer/<slug:slug>/import/",
        import_views.ImportStartView.as_view(),
        name="import_start",
    ),
    path("import/skabeloner/", import_views.ImportTemplateView.as_view(), name="import_template"),
    path(
        "import/skabeloner/<slug:entity>.xlsx",
        import_views.ImportTemplateView.as_view(),
        name="import_template_entity",
    ),
    path(
        "import/<uuid:uuid>/",
        import_views.ImportRunDetailView.as_view(),
        name="import_run_detail",
    ),
    path(
        "import/<uuid:uuid>/status/",
        import_views.ImportRunStatusView.as_view(),
        name="import_run_status",
    ),
    path(
        "import/<uuid:uuid>/gennemfoer/",
        import_views.ImportRunCommitView.as_view(),
        name="import_run_commit",
    ),
    path(
        "import/<uuid:uuid>/fejl.xlsx",
        import_views.ImportRunMarkedView.as_view(),
        name="import_run_marked",
    ),
    path(
        "kalender/<str:token>.ics",
        notifications.PersonCalendarView.as_view(),
        name="person_calendar",
    ),
]

handler404 = "kitos.views.handler404"
