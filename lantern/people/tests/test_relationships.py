import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.people import services
from lantern.people.models import Relationship
from tests.factories import AdultFactory, TeamFactory

from .register_helpers import events, person_in, team_with_worker

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
TODAY = timezone.localdate


@pytest.fixture
def setup(client):
    team, worker = team_with_worker()
    client.force_login(worker)
    return team, worker


def _carer(person, started_on=None):
    return Relationship.objects.create(
        young_person=person, adult=AdultFactory.create(first_name="Carla"), kind="carer", started_on=started_on
    )


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


class TestServices:
    def test_end_sets_the_date_and_is_audited(self, setup):
        team, worker = setup
        person = person_in(team)
        relationship = _carer(person, started_on=TODAY() - dt.timedelta(days=30))
        services.relationship_end(actor=worker, relationship=relationship, ended_on=TODAY())
        relationship.refresh_from_db()
        assert relationship.ended_on == TODAY()
        event = events(Action.UPDATE, young_person=person, object_type="people.Relationship")[0]
        assert event.detail["ended_on"] == TODAY().isoformat()
        assert event.detail["adult"] == relationship.adult_id

    @pytest.mark.parametrize(
        ("ended_on", "message"),
        [
            (lambda: TODAY() - dt.timedelta(days=31), "on or after the relationship started"),
            (lambda: TODAY() + dt.timedelta(days=1), "today or in the past"),
        ],
    )
    def test_end_refuses_bad_dates(self, setup, ended_on, message):
        team, worker = setup
        relationship = _carer(person_in(team), started_on=TODAY() - dt.timedelta(days=30))
        with pytest.raises(ValidationError, match=message):
            services.relationship_end(actor=worker, relationship=relationship, ended_on=ended_on())
        relationship.refresh_from_db()
        assert relationship.ended_on is None
        assert not events(Action.UPDATE)

    def test_end_twice_is_refused(self, setup):
        team, worker = setup
        relationship = _carer(person_in(team))
        services.relationship_end(actor=worker, relationship=relationship, ended_on=TODAY())
        with pytest.raises(ValidationError, match="already ended"):
            services.relationship_end(actor=worker, relationship=relationship, ended_on=TODAY())

    def test_remove_needs_a_reason_and_audits_it(self, setup):
        team, worker = setup
        person = person_in(team)
        relationship = _carer(person)
        with pytest.raises(ValidationError, match="Enter why"):
            services.relationship_remove(actor=worker, relationship=relationship, reason="  ")
        assert Relationship.objects.exists()
        services.relationship_remove(actor=worker, relationship=relationship, reason="Wrong young person")
        assert not Relationship.objects.exists()
        event = events(Action.DELETE, young_person=person)[0]
        assert event.reason == "Wrong young person"
        assert event.detail["kind"] == "carer"


class TestViews:
    def test_end_form_then_shown_as_ended(self, client, setup):
        team, _worker = setup
        person = person_in(team)
        relationship = _carer(person, started_on=TODAY() - dt.timedelta(days=30))
        url = reverse("people:relationship_end", args=[person.pk, relationship.pk])
        assert client.get(url).status_code == 200
        assert events(Action.VIEW, young_person=person, detail__page="relationship_end")
        day = TODAY() - dt.timedelta(days=2)
        assert client.post(url, _date("ended_on", day)).status_code == 302
        page = client.get(reverse("people:detail", args=[person.pk])).text
        assert f"Ended {day:%-d %b %Y}" in page
        # An ended relationship offers no second "End".
        assert url not in page

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Enter the end date"),
            (_date("ended_on", TODAY() + dt.timedelta(days=3)), "The end date must be today or in the past"),
            (_date("ended_on", TODAY() - dt.timedelta(days=40)), "on or after the relationship started"),
            ({"ended_on_day": "31", "ended_on_month": "2", "ended_on_year": "2024"}, "End date must be a real date"),
        ],
    )
    def test_end_bad_input_shows_errors_and_saves_nothing(self, client, setup, data, message):
        team, _ = setup
        person = person_in(team)
        relationship = _carer(person, started_on=TODAY() - dt.timedelta(days=30))
        response = client.post(reverse("people:relationship_end", args=[person.pk, relationship.pk]), data)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert message in response.text
        relationship.refresh_from_db()
        assert relationship.ended_on is None
        assert not events(Action.UPDATE)

    def test_remove_with_reason(self, client, setup):
        team, _ = setup
        person = person_in(team)
        relationship = _carer(person)
        url = reverse("people:relationship_remove", args=[person.pk, relationship.pk])
        response = client.post(url, {"reason": ""})
        assert "govuk-error-summary" in response.text
        assert "Enter why the relationship is being removed" in response.text
        assert Relationship.objects.exists()
        assert client.post(url, {"reason": "Recorded on the wrong child"}).status_code == 302
        assert not Relationship.objects.exists()
        assert events(Action.DELETE, young_person=person)[0].reason == "Recorded on the wrong child"

    def test_relationship_of_someone_else_is_404(self, client, setup):
        team, _ = setup
        person = person_in(team)
        elsewhere = _carer(person_in(team))
        for name in ("people:relationship_end", "people:relationship_remove"):
            assert client.get(reverse(name, args=[person.pk, elsewhere.pk])).status_code == 404

    def test_link_to_a_hidden_young_person_cannot_be_changed(self, client, setup):
        team, _ = setup
        person = person_in(team)
        hidden = person_in(TeamFactory.create())
        relationship = Relationship.objects.create(young_person=hidden, other_young_person=person, kind="sibling")
        url = reverse("people:relationship_remove", args=[person.pk, relationship.pk])
        assert client.post(url, {"reason": "x"}).status_code == 404
        assert Relationship.objects.exists()
        assert url not in client.get(reverse("people:detail", args=[person.pk])).text

    def test_sibling_link_can_be_ended_from_either_side(self, client, setup):
        team, _ = setup
        person, sister = person_in(team), person_in(team)
        relationship = Relationship.objects.create(young_person=sister, other_young_person=person, kind="sibling")
        url = reverse("people:relationship_end", args=[person.pk, relationship.pk])
        assert client.post(url, _date("ended_on", TODAY())).status_code == 302
        relationship.refresh_from_db()
        assert relationship.ended_on == TODAY()
