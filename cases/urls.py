from django.urls import path

from . import views, views_import, views_sealed

urlpatterns = [
    path("persons/", views.PersonListView.as_view(), name="person_list"),
    path("persons/new/", views.PersonFormView.as_view(), name="person_create"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", views.PersonFormView.as_view(), name="person_update"),
    path("persons/<int:pk>/file.pdf", views.PersonFilePdfView.as_view(), name="person_file_pdf"),
    path("persons/<int:pk>/reveal-id/", views.PersonRevealIdView.as_view(), name="person_reveal_id"),
    path("persons/<int:pk>/records/<slug:kind>/new/", views.RecordCreateView.as_view(), name="record_create"),
    path("records/<slug:kind>/<int:pk>/edit/", views.RecordUpdateView.as_view(), name="record_update"),
    path("persons/<int:pk>/measures/new/", views.MeasureOrderView.as_view(), name="measure_order"),
    path("measures/<int:pk>/edit/", views.MeasureCorrectView.as_view(), name="measure_correct"),
    path("measures/<int:pk>/report/", views.MeasureReportView.as_view(), name="measure_report"),
    path("measures/<int:pk>/close/", views.MeasureCloseView.as_view(), name="measure_close"),
    path("measures/<int:pk>/escalate/", views.MeasureEscalateView.as_view(), name="measure_escalate"),
    path("measures/<int:pk>/discharge-notice/", views.DischargeNoticeView.as_view(), name="measure_discharge_notice"),
    path("measures/<int:pk>/agreement/", views.AgreementView.as_view(), name="measure_agreement"),
    path("persons/<int:pk>/transfer/", views.TransferStartView.as_view(), name="transfer_start"),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/<int:pk>/accept/", views.TransferDecisionView.as_view(action="accept"), name="transfer_accept"),
    path("transfers/<int:pk>/approve/", views.TransferDecisionView.as_view(action="approve"), name="transfer_approve"),
    path("transfers/<int:pk>/reject/", views.TransferDecisionView.as_view(action="reject"), name="transfer_reject"),
    path("alerts/", views.AlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/acknowledge/", views.AlertAcknowledgeView.as_view(), name="alert_acknowledge"),
    path("roster/import/", views_import.RosterImportView.as_view(), name="roster_import"),
    path("roster/template.xlsx", views_import.RosterTemplateView.as_view(), name="roster_template"),
    path("roster/jobs/<int:pk>/", views_import.RosterJobView.as_view(), name="roster_job"),
    # Sealed records and lawful queries (DESIGN §3b)
    path("persons/<int:pk>/seal/", views_sealed.PersonSealView.as_view(), name="person_seal"),
    path("persons/sealed-case/", views_sealed.SealedCaseView.as_view(), name="sealed_case"),
    path("lawful-queries/", views_sealed.LawfulQueryListView.as_view(), name="lawful_query_list"),
    path("lawful-queries/new/", views_sealed.LawfulQueryCreateView.as_view(), name="lawful_query_create"),
    path("lawful-queries/<int:pk>/", views_sealed.LawfulQueryDetailView.as_view(), name="lawful_query_detail"),
    path("lawful-queries/<int:pk>/decide/", views_sealed.LawfulQueryDecideView.as_view(), name="lawful_query_decide"),
]
