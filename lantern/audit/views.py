from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def events(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/events.html", {"nav": "audit"})
