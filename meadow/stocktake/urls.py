"""Stocktake pages: /stocktake/, /stocktake/target/3, /stocktake/element/gbf-3-land,
/stocktake/indicator/gbf/indicator/A.3."""

from django.urls import path

from meadow.stocktake import views

urlpatterns = [
    path("stocktake/", views.index, name="stocktake"),
    path("stocktake/target/<str:code>", views.target, name="stocktake-target"),
    path("stocktake/element/<slug:code>", views.element, name="stocktake-element"),
    path("stocktake/indicator/<path:uid>", views.indicator, name="stocktake-indicator"),
]
