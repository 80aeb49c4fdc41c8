from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import views as cases_views
from cases.api.urls import urlpatterns as cases_api
from cases.urls import urlpatterns as cases_urls
from outcomes.api.urls import urlpatterns as outcomes_api
from outcomes.urls import urlpatterns as outcomes_urls
from placement.api.urls import urlpatterns as placement_api
from placement.urls import urlpatterns as placement_urls
from reporting.api.urls import urlpatterns as reporting_api
from reporting.urls import urlpatterns as reporting_urls
from training.api.urls import urlpatterns as training_api
from training.urls import urlpatterns as training_urls
from welfare.api.urls import urlpatterns as welfare_api
from welfare.urls import urlpatterns as welfare_urls

from . import views
from .api.urls import urlpatterns as core_api

# One API namespace ("api") assembled here, at the project level, so that the core never imports
# the apps above it.
api_urls = ([*core_api, *cases_api, *training_api, *placement_api, *welfare_api, *reporting_api, *outcomes_api], "api")

urlpatterns = [
    path("", cases_views.HomeView.as_view(), name="home"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("accounts/staff/", views.StaffListView.as_view(), name="staff_list"),
    path("accounts/staff/new/", views.StaffCreateView.as_view(), name="staff_create"),
    path("accounts/staff/<int:pk>/", views.StaffUpdateView.as_view(), name="staff_update"),
    path("accounts/tokens/", views.TokenListView.as_view(), name="token_list"),
    path("accounts/tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
    path(
        "audit/probe-alerts/<int:pk>/acknowledge/",
        views.ProbeAlertAcknowledgeView.as_view(),
        name="probe_alert_acknowledge",
    ),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", views.JobDownloadView.as_view(), name="job_download"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/", include((cases_urls, "cases"))),
    path("training/", include((training_urls, "training"))),
    path("placement/", include((placement_urls, "placement"))),
    path("welfare/", include((welfare_urls, "welfare"))),
    path("reporting/", include((reporting_urls, "reporting"))),
    path("outcomes/", include((outcomes_urls, "outcomes"))),
    path("api/v1/", include(api_urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]
