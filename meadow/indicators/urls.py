"""Indicator data pages: /data/ and /data/<indicator uid>/<place>, series, imports."""

from django.urls import path, re_path

from meadow.indicators import views

# Element codes hold dots and capitals (15.1.1, A.CT.6); places are ISO alpha-3 or M49.
CODE = r"[A-Za-z0-9.]+"
PLACE = r"[A-Za-z0-9]{3}"

urlpatterns = [
    path("data/", views.data_index, name="data-index"),
    path("data/import", views.import_form, name="import-form"),
    path("data/import/<int:job_id>", views.import_job, name="import-job"),
    re_path(
        rf"^data/(?P<framework>[-a-z0-9]+)/(?P<level>[-a-z]+)/(?P<code>{CODE})/(?P<place>{PLACE})$",
        views.indicator_place,
        name="indicator-place",
    ),
    path("series/<int:pk>", views.series_detail, name="series-detail"),
    path("imports/", views.import_list, name="import-list"),
    path("imports/<int:pk>", views.import_detail, name="import-detail"),
]
