from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import get_young_person_for_user


def search(request: HttpRequest) -> HttpResponse:
    return render(request, "people/search.html", {"nav": "people"})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    young_person, access = get_young_person_for_user(request.user, pk)  # type: ignore[arg-type]
    return render(request, "people/detail.html", {"young_person": young_person, "access": access.value})


def restriction(request: HttpRequest, pk: int) -> HttpResponse:
    young_person, access = get_young_person_for_user(request.user, pk)  # type: ignore[arg-type]
    return render(request, "people/detail.html", {"young_person": young_person, "access": access.value})
