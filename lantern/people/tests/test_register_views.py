import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.people import services
from lantern.people.models import Alias, LegalStatus, Relationship, YoungPerson
from tests.factories import AdultFactory, InvolvementFactory, TeamFactory, make_user

from .register_helpers import (
    VALID_NHS,
    create_form_data,
    events,
    person_in,
    png_upload,
    restrict,
    team_with_worker,
    years_ago,
)

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def _born(data: dict) -> dt.date:
    return dt.date(int(data["date_of_birth_year"]), int(data["date_of_birth_month"]), int(data["date_of_birth_day"]))


@pytest.fixture
def setup(client):
    team, worker = team_with_worker()
    client.force_login(worker)
    return team, worker


class TestSearchView:
    def test_search_is_audited_with_kind_and_results(self, client, setup):
        team, worker = setup
        person = person_in(team, first_name="Jaden", last_name="Okafor")
        response = client.get(reverse("people:search"), {"q": "Jayden"})
        assert response.status_code == 200
        assert "Jaden Okafor" in response.text
        event = events(Action.SEARCH, actor=worker)[0]
        assert event.detail["kind"] == "name"
        assert event.detail["query"] == "Jayden"
        assert event.detail["young_people"] == [person.pk]

    def test_identifier_search_records_the_normalised_identifier(self, client, setup):
        team, _ = setup
        person_in(team, nhs_number=VALID_NHS[0])
        client.get(reverse("people:search"), {"q": "943 476 5919"})
        event = events(Action.SEARCH)[0]
        assert event.detail["kind"] == "nhs_number"
        assert event.detail["query"] == "9434765919"
        assert event.detail["results"] == 1

    @pytest.mark.parametrize("query", ["", "j", "31/02/2010", "  "])
    def test_too_short_or_invalid_gives_a_message_and_no_search(self, client, setup, query):
        response = client.get(reverse("people:search"), {"q": query})
        assert response.status_code == 200
        assert "govuk-error-message" in response.text
        assert not events(Action.SEARCH)

    def test_no_query_shows_the_form_only(self, client, setup):
        response = client.get(reverse("people:search"))
        assert response.status_code == 200
        assert "govuk-error-message" not in response.text
        assert not events(Action.SEARCH)

    def test_very_long_or_odd_queries_never_fail(self, client, setup):
        for query in ("a" * 5000, "%_'; DROP TABLE", "💥 ñame", "0000000000", "99/99/9999"):
            assert client.get(reverse("people:search"), {"q": query}).status_code == 200

    def test_roles_without_search_get_403(self, client):
        client.force_login(make_user(Role.PERFORMANCE_ANALYST))
        assert client.get(reverse("people:search"), {"q": "smith"}).status_code == 403
        assert not events(Action.SEARCH)


class TestCreateView:
    def test_create_without_duplicates_goes_to_the_record(self, client, setup):
        team, _worker = setup
        response = client.post(reverse("people:create"), create_form_data(team, nhs_number="943 476 5919"))
        person = YoungPerson.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("people:detail", args=[person.pk])
        assert person.nhs_number == "9434765919"
        assert person.postcode == "LN1 1AA"
        assert Involvement.objects.filter(team=team, young_person=person).exists()
        assert events(Action.CREATE, object_type="people.YoungPerson")

    def test_create_returns_to_a_same_site_next_page_with_the_new_person(self, client, setup):
        team, _worker = setup
        page = client.get(reverse("people:create"), {"next": "/requests/new/"})
        assert 'name="next" value="/requests/new/"' in page.content.decode()
        response = client.post(reverse("people:create"), {**create_form_data(team), "next": "/requests/new/"})
        person = YoungPerson.objects.get()
        assert response["Location"] == f"/requests/new/?young_person={person.pk}"

    def test_create_ignores_a_next_page_on_another_site(self, client, setup):
        team, _worker = setup
        response = client.post(reverse("people:create"), {**create_form_data(team), "next": "https://evil.example/"})
        assert response["Location"] == reverse("people:detail", args=[YoungPerson.objects.get().pk])

    def test_duplicate_warning_then_use_or_create(self, client, setup):
        team, _worker = setup
        data = create_form_data(team)
        born = dt.date(
            int(data["date_of_birth_year"]), int(data["date_of_birth_month"]), int(data["date_of_birth_day"])
        )
        existing = person_in(team, first_name="Jaden", last_name="Okafor", date_of_birth=born)
        response = client.post(reverse("people:create"), data)
        assert response.status_code == 200
        assert "Check whether this young person is already recorded" in response.text
        assert reverse("people:detail", args=[existing.pk]) in response.text  # "Use this record"
        assert "None of these: create a new record" in response.text
        assert YoungPerson.objects.count() == 1
        assert events(Action.SEARCH)[0].detail["kind"] == "duplicate_check"
        # The confirm step carries the data and creates the record.
        assert 'name="date_of_birth_day"' in response.text
        response = client.post(reverse("people:create"), {**data, "confirm": "on"})
        assert response.status_code == 302
        assert YoungPerson.objects.count() == 2

    def test_duplicate_outside_scope_is_shown_without_a_name(self, client, setup):
        team, _ = setup
        data = create_form_data(team)
        born = dt.date(
            int(data["date_of_birth_year"]), int(data["date_of_birth_month"]), int(data["date_of_birth_day"])
        )
        person_in(TeamFactory.create(name="Far Away Team"), first_name="Jaden", last_name="Okafor", date_of_birth=born)
        response = client.post(reverse("people:create"), data)
        assert "A possible match exists that you cannot see: contact the record's team" in response.text
        assert "Jaden" not in response.text
        assert "Far Away Team" in response.text

    def test_confirm_still_revalidates(self, client, setup):
        team, _ = setup
        data = create_form_data(team, first_name="", confirm="on")
        response = client.post(reverse("people:create"), data)
        assert response.status_code == 200
        assert "Enter the first name" in response.text
        assert not YoungPerson.objects.exists()

    def test_identifier_clash_after_confirm_is_a_field_error(self, client, setup):
        team, _ = setup
        person_in(TeamFactory.create(), nhs_number=VALID_NHS[0])
        response = client.post(reverse("people:create"), create_form_data(team, nhs_number=VALID_NHS[0], confirm="on"))
        assert response.status_code == 200
        assert "This NHS number is already recorded for another young person" in response.text
        assert YoungPerson.objects.count() == 1

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "Date of birth must be a real date"),
            ({"date_of_birth_month": ""}, "Date of birth must include a month"),
            ({"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""}, "Enter the date of birth"),
            ({"date_of_birth_year": "10"}, "Year must include 4 numbers"),
            ({"date_of_birth_day": "aa"}, "Date of birth must be a real date"),
            ({"date_of_birth_year": str(timezone.localdate().year + 1)}, "Date of birth must be in the past"),
            ({"date_of_birth_year": str(timezone.localdate().year - 31)}, "within the last 30 years"),
            ({"nhs_number": "943 476 5918"}, "check digit does not match"),
            ({"nhs_number": "12345"}, "Enter an NHS number with 10 digits"),
            ({"upn": "A801200001001"}, "check letter does not match"),
            ({"first_name": "x" * 101}, "First name must be 100 characters or fewer"),
            ({"postcode": "ZZZ ZZZ"}, "Enter a real postcode"),
            ({"postcode": "x" * 11}, "Postcode must be 10 characters or fewer"),
            ({"team": "999999"}, "Choose one of your teams"),
            ({"involvement_reason": ""}, "Choose why the team is involved"),
            ({"gender": "robot"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_shows_errors_and_saves_nothing(self, client, setup, overrides, message):
        team, _ = setup
        response = client.post(reverse("people:create"), create_form_data(team, **overrides))
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert message in response.text
        assert not YoungPerson.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.CREATE).exists()

    def test_error_summary_links_to_the_day_box(self, client, setup):
        team, _ = setup
        response = client.post(reverse("people:create"), create_form_data(team, date_of_birth_day=""))
        assert 'href="#id_date_of_birth"' in response.text
        assert 'id="id_date_of_birth"' in response.text

    def test_roles_that_cannot_add_get_403(self, client):
        client.force_login(make_user(Role.CLINICAL_PSYCHOLOGIST))
        assert client.get(reverse("people:create")).status_code == 403


class TestPersonPage:
    def test_full_record_is_shown_and_audited(self, client, setup):
        team, worker = setup
        person = person_in(team, first_name="Jaden", last_name="Okafor", nhs_number=VALID_NHS[0])
        services.alias_add(actor=worker, young_person=person, name="Lil Striker", kind="street_name")
        services.legal_status_record(
            actor=worker, young_person=person, status="cin", started_on=timezone.localdate() - dt.timedelta(days=5)
        )
        AuditEvent.objects.all()  # the events above are not views
        response = client.get(reverse("people:detail", args=[person.pk]))
        assert response.status_code == 200
        text = response.text
        assert "Jaden Okafor" in text
        assert "943 476 5919" in text
        assert "Lil Striker" in text
        assert "Child in need" in text
        assert "moj-timeline__item" in text
        assert "Record created in Lantern" in text
        view = events(Action.VIEW, young_person=person)
        assert len(view) == 1
        assert view[0].actor == worker
        assert view[0].detail == {"access": "full"}

    def test_restricted_record_is_a_stub_with_break_glass(self, client, setup):
        team, _worker = setup
        manager = make_user(Role.TEAM_MANAGER, team=team, first_name="Priya", last_name="Shah")
        person = person_in(team, first_name="Jaden", last_name="Okafor", town="Lincoln", nhs_number=VALID_NHS[0])
        restrict(person, manager)
        response = client.get(reverse("people:detail", args=[person.pk]))
        assert response.status_code == 200
        text = response.text
        assert "Restricted record: contact Priya Shah" in text
        for secret in ("Jaden", "Okafor", "Lincoln", "943 476 5919", "9434765919", person.date_of_birth.strftime("%Y")):
            assert secret not in text
        assert reverse("people:break_glass", args=[person.pk]) in text
        assert events(Action.VIEW, young_person=person)[0].detail == {"access": "stub"}

    def test_stub_users_cannot_reach_the_forms_or_the_photo(self, client, setup):
        team, _ = setup
        manager = make_user(Role.TEAM_MANAGER, team=team)
        person = person_in(team)
        restrict(person, manager)
        for name in ("people:edit", "people:alias_add", "people:legal_status_add", "people:photo"):
            assert client.get(reverse(name, args=[person.pk])).status_code == 404

    def test_out_of_scope_and_missing_are_both_404(self, client, setup):
        outsider = person_in(TeamFactory.create())
        assert client.get(reverse("people:detail", args=[outsider.pk])).status_code == 404
        assert client.get(reverse("people:detail", args=[999999])).status_code == 404
        assert not events(Action.VIEW)

    def test_other_young_peoples_names_need_their_own_access(self, client, setup):
        team, _worker = setup
        person = person_in(team)
        hidden_sister = person_in(TeamFactory.create(), first_name="Secretina")
        visible_brother = person_in(team, first_name="Visiblo")
        Relationship.objects.create(young_person=person, other_young_person=hidden_sister, kind="sibling")
        Relationship.objects.create(young_person=visible_brother, other_young_person=person, kind="sibling")
        text = client.get(reverse("people:detail", args=[person.pk])).text
        assert "Secretina" not in text
        assert "A young person whose record you cannot see" in text
        assert "Visiblo" in text

    def test_query_count_does_not_grow_with_the_record(self, client, setup):
        team, worker = setup

        def build(size: int) -> YoungPerson:
            person = person_in(team)
            start = timezone.localdate() - dt.timedelta(days=size + 10)
            for number in range(size):
                Alias.objects.create(young_person=person, name=f"Alias {number}")
                LegalStatus.objects.create(
                    young_person=person,
                    status="cin" if number % 2 else "cp",
                    started_on=start + dt.timedelta(days=number),
                    ended_on=None if number == size - 1 else start + dt.timedelta(days=number),
                    recorded_by=worker,
                )
                Relationship.objects.create(
                    young_person=person, adult=AdultFactory.create(), kind="carer", started_on=start
                )
                Relationship.objects.create(young_person=person, other_young_person=person_in(team), kind="sibling")
                InvolvementFactory.create(
                    young_person=person, team=TeamFactory.create(), worker=make_user(Role.YOUTH_SUPPORT_WORKER)
                )
            household = services.household_create(actor=worker, name=f"House {size}", young_people=[person])
            for _ in range(size):
                services.household_member_add(actor=worker, household=household, adult=AdultFactory.create())
            return person

        small, large = build(1), build(30)

        def count(person: YoungPerson) -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("people:detail", args=[person.pk]))
            assert response.status_code == 200
            return len(queries)

        count(small)  # warm the session and permission caches alike
        assert count(small) == count(large)


class TestSmallForms:
    def test_edit_audits_changed_fields(self, client, setup):
        team, _worker = setup
        person = person_in(team, first_name="Jaden", last_name="Okafor", date_of_birth=years_ago(14))
        response = client.get(reverse("people:edit", args=[person.pk]))
        assert response.status_code == 200
        assert 'value="Jaden"' in response.text
        data = create_form_data(
            team,
            first_name="Jayden",
            last_name="Okafor",
            date_of_birth_day=str(person.date_of_birth.day),
            date_of_birth_month=str(person.date_of_birth.month),
            date_of_birth_year=str(person.date_of_birth.year),
            gender=person.gender,
            ethnicity=person.ethnicity,
            first_language=person.first_language,
            address_line_1="",
            town="",
            postcode="",
            send=person.send,
        )
        response = client.post(reverse("people:edit", args=[person.pk]), data)
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.first_name == "Jayden"
        assert events(Action.UPDATE, young_person=person)[0].detail == {"changed": ["first_name"]}

    def test_edit_bad_input(self, client, setup):
        team, _ = setup
        person = person_in(team, first_name="Jaden")
        person_in(TeamFactory.create(), nhs_number=VALID_NHS[0])
        response = client.post(
            reverse("people:edit", args=[person.pk]),
            create_form_data(team, first_name="", nhs_number=VALID_NHS[0]),
        )
        assert response.status_code == 200
        assert "Enter the first name" in response.text
        assert "already recorded for another young person" in response.text
        person.refresh_from_db()
        assert person.first_name == "Jaden"

    def test_alias_add_and_remove(self, client, setup):
        team, _ = setup
        person = person_in(team)
        url = reverse("people:alias_add", args=[person.pk])
        assert client.post(url, {"name": "", "kind": "alias"}).status_code == 200
        assert client.post(url, {"name": "x" * 201, "kind": "alias"}).status_code == 200
        assert client.post(url, {"name": "Ghost", "kind": "street_name"}).status_code == 302
        alias = Alias.objects.get(young_person=person)
        assert client.post(url, {"name": "ghost", "kind": "street_name"}).status_code == 200
        remove = reverse("people:alias_remove", args=[person.pk, alias.pk])
        assert client.get(remove).status_code == 405
        assert client.post(remove).status_code == 302
        assert not Alias.objects.exists()
        other = Alias.objects.create(young_person=person_in(team), name="Other")
        assert client.post(reverse("people:alias_remove", args=[person.pk, other.pk])).status_code == 404

    def test_legal_status(self, client, setup):
        team, _ = setup
        person = person_in(team)
        url = reverse("people:legal_status_add", args=[person.pk])
        day = timezone.localdate() - dt.timedelta(days=3)
        date_fields = {"started_on_day": day.day, "started_on_month": day.month, "started_on_year": day.year}
        assert client.post(url, {"status": "cin", **date_fields}).status_code == 302
        response = client.post(url, {"status": "cp", **date_fields})
        assert "The start date must be after the current status started" in response.text
        response = client.post(url, {"status": "cp", "started_on_day": "40", "started_on_month": "1"})
        assert "govuk-error-summary" in response.text
        assert LegalStatus.objects.count() == 1

    def test_relationship_with_visible_people_only(self, client, setup):
        team, _worker = setup
        person, brother = person_in(team), person_in(team)
        outsider = person_in(TeamFactory.create())
        url = reverse("people:relationship_add", args=[person.pk])
        response = client.post(url, {"kind": "sibling", "other_young_person_id": outsider.pk})
        assert "There is no young person with this Lantern ID that you can see" in response.text
        response = client.post(url, {"kind": "sibling", "other_young_person_id": person.pk})
        assert "themselves" in response.text
        response = client.post(url, {"kind": "sibling", "adult_id": 5, "other_young_person_id": brother.pk})
        assert "not both" in response.text
        response = client.post(url, {"kind": "mother", "adult_id": AdultFactory.create().pk})
        assert "There is no adult with this Lantern ID that you can see" in response.text
        assert client.post(url, {"kind": "sibling", "other_young_person_id": brother.pk}).status_code == 302
        assert Relationship.objects.count() == 1

    def test_adult_create_and_page(self, client, setup):
        team, _ = setup
        person = person_in(team, first_name="Jaden")
        url = reverse("people:adult_create", args=[person.pk])
        response = client.post(url, {"first_name": "Sam", "last_name": "", "kind": "parent_carer"})
        assert "Enter the last name" in response.text
        response = client.post(
            url,
            {
                "first_name": "Sam",
                "last_name": "Jones",
                "kind": "parent_carer",
                "relationship_kind": "father",
                "email": "not-an-email",
            },
        )
        assert "Enter an email address" in response.text
        response = client.post(
            url, {"first_name": "Sam", "last_name": "Jones", "kind": "parent_carer", "relationship_kind": "father"}
        )
        assert response.status_code == 302
        adult = Relationship.objects.get(young_person=person).adult
        assert adult is not None
        page = client.get(reverse("people:adult_detail", args=[adult.pk]))
        assert page.status_code == 200
        assert "Sam Jones" in page.text
        assert "Jaden" in page.text
        assert events(Action.VIEW, object_type="people.Adult")
        # An adult linked only to young people out of scope is not there.
        hidden = AdultFactory.create()
        Relationship.objects.create(young_person=person_in(TeamFactory.create()), adult=hidden, kind="mother")
        assert client.get(reverse("people:adult_detail", args=[hidden.pk])).status_code == 404

    def test_photo_upload_and_audited_view(self, client, setup):
        team, _worker = setup
        person = person_in(team)
        url = reverse("people:photo_upload", args=[person.pk])
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(url, {"photo": SimpleUploadedFile("x.png", b"nope", content_type="image/png")})
        assert "must be a JPG, PNG or WebP image" in response.text
        assert client.post(url, {}).status_code == 200
        assert client.post(url, {"photo": png_upload()}).status_code == 302
        photo_url = reverse("people:photo", args=[person.pk])
        detail = client.get(reverse("people:detail", args=[person.pk]))
        assert photo_url in detail.text
        response = client.get(photo_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert events(Action.VIEW, young_person=person, detail__page="photo")

    def test_photo_404_without_a_photo_and_403_for_partners(self, client, setup):
        team, _ = setup
        person = person_in(team)
        assert client.get(reverse("people:photo", args=[person.pk])).status_code == 404
        client.force_login(make_user(Role.PARTNER_AGENCY_USER))
        assert client.get(reverse("people:photo", args=[person.pk])).status_code == 403

    def test_clinical_psychologist_sees_but_cannot_change(self, client):
        team, psychologist = team_with_worker(Role.CLINICAL_PSYCHOLOGIST)
        client.force_login(psychologist)
        person = person_in(team)
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
        assert client.get(reverse("people:edit", args=[person.pk])).status_code == 403
        assert "Change details" not in client.get(reverse("people:detail", args=[person.pk])).text
