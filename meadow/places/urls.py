"""Place and group pages; a page's address is its identifier, e.g. /place/KEN, /group/ldc."""

from django.urls import path

from meadow.places import views

urlpatterns = [
    path("places/", views.place_list, name="place-list"),
    path("place/<str:code>", views.place_detail, name="place-detail"),
    path("groups/", views.group_list, name="group-list"),
    path("group/<slug:slug>", views.group_detail, name="group-detail"),
    path("weights/<slug:slug>", views.weight_set_detail, name="weight-set-detail"),
]
