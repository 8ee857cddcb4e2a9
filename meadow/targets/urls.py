"""National target pages: /place/KEN/targets, /place/KEN/target/T1 and /targets/."""

from django.urls import path

from meadow.targets import views

urlpatterns = [
    path("targets/", views.all_targets, name="national-targets"),
    path("place/<str:code>/targets", views.country_targets, name="country-targets"),
    path("place/<str:code>/targets/new", views.target_new, name="target-new"),
    path("place/<str:code>/targets/import", views.target_import, name="target-import"),
    path("place/<str:code>/targets/export", views.target_export, name="target-export"),
    path("place/<str:code>/target/<str:target_code>", views.target_detail, name="target-detail"),
    path("place/<str:code>/target/<str:target_code>/edit", views.target_edit, name="target-edit"),
    path(
        "place/<str:code>/target/<str:target_code>/publish",
        views.target_publish,
        name="target-publish",
    ),
    path(
        "place/<str:code>/target/<str:target_code>/unpublish",
        views.target_unpublish,
        name="target-unpublish",
    ),
    path(
        "place/<str:code>/target/<str:target_code>/delete",
        views.target_delete,
        name="target-delete",
    ),
    path(
        "place/<str:code>/target/<str:target_code>/history",
        views.target_history,
        name="target-history",
    ),
]
