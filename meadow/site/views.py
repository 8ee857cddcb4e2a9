"""Site-wide pages: home and sources."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meadow.frameworks import queries


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/home.html",
        {"totals": queries.totals(), "frameworks": queries.framework_summaries()},
    )


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "site/sources.html", {"frameworks": queries.frameworks()})
