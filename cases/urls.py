from django.urls import path

from . import views

urlpatterns = [
    path("persons/", views.PersonListView.as_view(), name="person_list"),
    path("persons/new/", views.PersonFormView.as_view(), name="person_create"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", views.PersonFormView.as_view(), name="person_update"),
    path("persons/<int:pk>/reveal-id/", views.PersonRevealIdView.as_view(), name="person_reveal_id"),
]
