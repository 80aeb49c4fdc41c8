from django.urls import path

from . import views

urlpatterns = [
    path("pairings/", views.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", views.PairingFormView.as_view(), name="pairing_create"),
    path("pairings/<int:pk>/edit/", views.PairingFormView.as_view(), name="pairing_update"),
    path("figures/<int:pk>/persons/", views.DrillDownView.as_view(), name="drill_down"),
]
