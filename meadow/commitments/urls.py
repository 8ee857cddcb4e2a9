"""Commitment pages: /commitments/, /commitment/<code>, and each country's review queue."""

from django.urls import path

from meadow.commitments import views

urlpatterns = [
    path("commitments/", views.commitment_list, name="commitment-list"),
    path("commitments/new", views.commitment_create, name="commitment-create"),
    path("commitments/mine", views.my_commitments, name="commitment-mine"),
    path("commitments/review", views.global_review_queue, name="commitment-review-global"),
    path("commitment/<slug:code>", views.commitment_detail, name="commitment-detail"),
    path("commitment/<slug:code>/edit", views.commitment_edit, name="commitment-edit"),
    path("commitment/<slug:code>/history", views.commitment_history, name="commitment-history"),
    path("commitment/<slug:code>/submit", views.commitment_submit, name="commitment-submit"),
    path("commitment/<slug:code>/withdraw", views.commitment_withdraw, name="commitment-withdraw"),
    path("commitment/<slug:code>/progress", views.progress_report_add, name="commitment-progress"),
    path(
        "place/<str:code>/commitments/review",
        views.review_queue,
        name="commitment-review-queue",
    ),
]
