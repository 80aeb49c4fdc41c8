from django.urls import path

from . import views

urlpatterns = [
    path("benefits/", views.BenefitListView.as_view(), name="benefit_list"),
    path("persons/<int:pk>/benefits/new/", views.BenefitApplyView.as_view(), name="benefit_apply"),
    path("benefits/<int:pk>/decide/", views.BenefitDecideView.as_view(), name="benefit_decide"),
    path("benefits/<int:pk>/end/", views.BenefitEndView.as_view(), name="benefit_end"),
]
