"""Framework pages; an element's address is its identifier, e.g. /gbf/target/3."""

from django.urls import path, re_path

from meadow.frameworks import views

# Codes hold dots and capitals (15.1.1, A.CT.6), so they need more than the slug converter.
CODE = r"[A-Za-z0-9.]+"

urlpatterns = [
    path("frameworks/", views.framework_list, name="framework-list"),
    path("crosswalks/", views.crosswalk_index, name="crosswalk-index"),
    path("crosswalk/<slug:left>/<slug:right>/", views.crosswalk, name="crosswalk"),
    path("<slug:slug>/", views.framework_detail, name="framework-detail"),
    re_path(
        rf"^(?P<framework>[-a-z0-9]+)/(?P<level>[-a-z]+)/(?P<code>{CODE})$",
        views.element_detail,
        name="element-detail",
    ),
    re_path(rf"^(?P<uid>[-a-z0-9]+/[-a-z]+/{CODE})/$", views.element_slash),
]
