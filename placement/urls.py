from django.urls import path

from . import views

urlpatterns = [
    path("bases/", views.BaseListView.as_view(), name="base_list"),
    path("bases/new/", views.BaseFormView.as_view(), name="base_create"),
    path("bases/<int:pk>/", views.BaseDetailView.as_view(), name="base_detail"),
    path("bases/<int:pk>/edit/", views.BaseFormView.as_view(), name="base_update"),
    path("bases/<int:pk>/subsidies/new/", views.SubsidyCreateView.as_view(), name="subsidy_create"),
    path("subsidies/", views.SubsidyEligibilityView.as_view(), name="subsidies"),
    path("employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("employers/new/", views.EmployerFormView.as_view(), name="employer_create"),
    path("employers/<int:pk>/edit/", views.EmployerFormView.as_view(), name="employer_update"),
    path("persons/<int:pk>/placements/new/", views.PlacementFormView.as_view(creating=True), name="placement_create"),
    path("placements/<int:pk>/edit/", views.PlacementFormView.as_view(), name="placement_update"),
    path("placements/<int:pk>/follow-ups/new/", views.FollowUpCreateView.as_view(), name="follow_up_create"),
    path("persons/<int:pk>/loans/new/", views.LoanApplyView.as_view(), name="loan_apply"),
    path("loans/<int:pk>/decide/", views.LoanDecideView.as_view(), name="loan_decide"),
    path("tax-relief/", views.TaxReliefView.as_view(), name="tax_relief"),
    path("tax-relief.xlsx", views.TaxReliefExportView.as_view(), name="tax_relief_export"),
]
