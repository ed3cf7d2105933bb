from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def caseload(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/caseload.html", {"nav": "caseload"})
