"""National report pages: /place/KEN/reports, /place/KEN/report/cbd-nr7/2026 and /reports/."""

from django.urls import path

from meadow.reports import views

REPORT = "place/<str:code>/report/<slug:template>/<str:cycle>"

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path(
        "reports/templates/<slug:code>/<str:version>",
        views.template_detail,
        name="report-template",
    ),
    path("place/<str:code>/reports", views.country_reports, name="place-reports"),
    path("place/<str:code>/reports/open", views.report_open, name="report-open"),
    path(REPORT, views.report_detail, name="report-detail"),
    path(f"{REPORT}/move", views.report_move, name="report-move"),
    path(f"{REPORT}/assign", views.report_assign, name="report-assign"),
    path(f"{REPORT}/offline", views.report_offline, name="report-offline"),
    path(f"{REPORT}/export.<str:fmt>", views.report_export, name="report-export"),
    path(f"{REPORT}/compare", views.report_compare, name="report-compare"),
    path(f"{REPORT}/section/<str:key>", views.report_section, name="report-section"),
    path(f"{REPORT}/comment", views.report_comment, name="report-comment"),
    path(
        f"{REPORT}/comment/<int:pk>/resolve",
        views.comment_resolve,
        name="report-comment-resolve",
    ),
    path(
        f"{REPORT}/answer/<str:question>/history",
        views.answer_history,
        name="report-answer-history",
    ),
]
