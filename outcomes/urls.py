from django.urls import path

from . import views

urlpatterns = [
    path("", views.OutcomesView.as_view(), name="outcomes"),
    path("export/", views.OutcomesExportView.as_view(), name="export"),
]
