import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.people import services
from lantern.people.models import Adult, Household, Relationship
from lantern.people.permissions import visible_households
from tests.factories import AdultFactory, TeamFactory, make_user

from .register_helpers import events, person_in, restrict, team_with_worker

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def setup(client):
    team, worker = team_with_worker()
    client.force_login(worker)
    return team, worker


class TestServices:
    def test_remove_members_is_audited(self, setup):
        team, worker = setup
        person, adult = person_in(team), AdultFactory.create()
        household = services.household_create(actor=worker, name="Okafor, High St", young_people=[person])
        services.household_member_add(actor=worker, household=household, adult=adult)
        services.household_member_remove(actor=worker, household=household, adult=adult)
        services.household_member_remove(actor=worker, household=household, young_person=person)
        assert not household.young_people.exists()
        assert not household.adults.exists()
        details = [event.detail for event in events(Action.UPDATE, object_type="people.Household")]
        assert {"removed_adult": adult.pk} in details
        assert {"removed_young_person": person.pk} in details
        assert events(Action.UPDATE, young_person=person, detail__removed_young_person=person.pk)

    def test_removing_someone_not_in_the_household_is_refused(self, setup):
        team, worker = setup
        household = services.household_create(actor=worker, name="House", young_people=[person_in(team)])
        before = AuditEvent.objects.count()
        with pytest.raises(ValidationError, match="not in the household"):
            services.household_member_remove(actor=worker, household=household, young_person=person_in(team))
        with pytest.raises(ValidationError, match="not in the household"):
            services.household_member_remove(actor=worker, household=household, adult=AdultFactory.create())
        with pytest.raises(ValidationError, match="either"):
            services.household_member_remove(actor=worker, household=household)
        assert AuditEvent.objects.count() == before

    def test_create_needs_a_name(self, setup):
        team, worker = setup
        with pytest.raises(ValidationError):
            services.household_create(actor=worker, name="  ", young_people=[person_in(team)])
        assert not Household.objects.exists()

    def test_visible_only_with_a_fully_visible_young_person(self, setup):
        team, worker = setup
        manager = make_user(Role.TEAM_MANAGER, team=team)
        mine, hidden, restricted = person_in(team), person_in(TeamFactory.create()), person_in(team)
        restrict(restricted, manager)
        seen = services.household_create(actor=worker, name="Seen", young_people=[mine, hidden])
        services.household_create(actor=worker, name="Hidden", young_people=[hidden])
        services.household_create(actor=worker, name="Restricted", young_people=[restricted])
        services.household_create(actor=worker, name="Empty")
        assert list(visible_households(worker)) == [seen]


class TestAddToHousehold:
    def test_new_household(self, client, setup):
        team, _ = setup
        person = person_in(team, first_name="Jaden")
        url = reverse("people:household_add", args=[person.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert "A new household" in response.text
        data = {"household": "new", "name": "Okafor, 1 High St", "town": "Lincoln", "postcode": "ln1 1aa"}
        assert client.post(url, data).status_code == 302
        household = Household.objects.get()
        assert list(household.young_people.all()) == [person]
        assert household.postcode == "LN1 1AA"
        assert events(Action.CREATE, object_type="people.Household")

    def test_existing_household_of_a_sibling_or_linked_adult_only(self, client, setup):
        team, worker = setup
        person, sister = person_in(team), person_in(team)
        Relationship.objects.create(young_person=sister, other_young_person=person, kind="sibling")
        sisters = services.household_create(actor=worker, name="Sister's house", young_people=[sister])
        father = AdultFactory.create()
        Relationship.objects.create(young_person=person, adult=father, kind="father")
        fathers = services.household_create(
            actor=worker, name="Father's flat", young_people=[person_in(team)], adults=[father]
        )
        services.household_create(actor=worker, name="Unrelated", young_people=[person_in(team)])
        # The father's other household holds only a child the user cannot see.
        services.household_create(
            actor=worker, name="Out of sight", young_people=[person_in(TeamFactory.create())], adults=[father]
        )
        url = reverse("people:household_add", args=[person.pk])
        text = client.get(url).text
        assert "Sister&#x27;s house" in text
        assert "Father&#x27;s flat" in text
        assert "Unrelated" not in text
        assert "Out of sight" not in text
        unrelated = Household.objects.get(name="Unrelated")
        response = client.post(url, {"household": str(unrelated.pk)})
        assert "Choose one of the households listed" in response.text
        assert client.post(url, {"household": str(fathers.pk)}).status_code == 302
        assert fathers.young_people.filter(pk=person.pk).exists()
        assert not sisters.young_people.filter(pk=person.pk).exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Choose a household"),
            ({"household": "new", "name": ""}, "Enter the household&#x27;s name"),
            ({"household": "new", "name": "House", "postcode": "ZZZ ZZZ"}, "Enter a real postcode"),
            ({"household": "new", "name": "x" * 201}, "200 characters or fewer"),
        ],
    )
    def test_bad_input_shows_errors_and_saves_nothing(self, client, setup, data, message):
        team, _ = setup
        person = person_in(team)
        response = client.post(reverse("people:household_add", args=[person.pk]), data)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert message in response.text
        assert not Household.objects.exists()
        assert not events(Action.CREATE)


class TestHouseholdPage:
    def test_members_shown_by_access_and_view_audited(self, client, setup):
        team, worker = setup
        mine = person_in(team, first_name="Visiblo")
        hidden = person_in(TeamFactory.create(), first_name="Secretina")
        adult = AdultFactory.create(first_name="Parenta")
        household = services.household_create(
            actor=worker, name="Okafor, High St", young_people=[mine, hidden], adults=[adult]
        )
        response = client.get(reverse("people:household_detail", args=[household.pk]))
        assert response.status_code == 200
        assert "Visiblo" in response.text
        assert "Parenta" in response.text
        assert "Secretina" not in response.text
        assert "A young person whose record you cannot see" in response.text
        event = events(Action.VIEW, object_type="people.Household")[0]
        assert event.young_person is None
        assert event.actor == worker
        assert sorted(event.detail["young_people"]) == sorted([mine.pk, hidden.pk])
        assert event.detail["adults"] == [adult.pk]
        # The person page links to the household.
        assert (
            reverse("people:household_detail", args=[household.pk])
            in client.get(reverse("people:detail", args=[mine.pk])).text
        )

    def test_out_of_scope_and_missing_households_are_404(self, client, setup):
        _team, worker = setup
        hidden = person_in(TeamFactory.create())
        household = services.household_create(actor=worker, name="Elsewhere", young_people=[hidden])
        for name in ("people:household_detail", "people:household_adult_add", "people:household_adult_create"):
            assert client.get(reverse(name, args=[household.pk])).status_code == 404
            assert client.get(reverse(name, args=[999999])).status_code == 404
        assert not events(Action.VIEW)

    def test_psychologist_reads_but_cannot_change(self, client):
        team, psychologist = team_with_worker(Role.CLINICAL_PSYCHOLOGIST)
        client.force_login(psychologist)
        household = services.household_create(actor=psychologist, name="House", young_people=[person_in(team)])
        response = client.get(reverse("people:household_detail", args=[household.pk]))
        assert response.status_code == 200
        assert "Remove" not in response.text
        assert client.get(reverse("people:household_adult_add", args=[household.pk])).status_code == 403

    def test_query_count_does_not_grow_with_the_members(self, client, setup):
        team, worker = setup

        def build(size: int) -> Household:
            household = services.household_create(actor=worker, name=f"House {size}")
            for number in range(size):
                member = person_in(team)
                services.household_member_add(actor=worker, household=household, young_person=member)
                services.household_member_add(
                    actor=worker, household=household, young_person=person_in(TeamFactory.create())
                )
                services.household_member_add(actor=worker, household=household, adult=AdultFactory.create())
                if number == 0:
                    Relationship.objects.create(young_person=member, adult=AdultFactory.create(), kind="carer")
            return household

        small, large = build(1), build(20)

        def count(household: Household) -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("people:household_detail", args=[household.pk]))
            assert response.status_code == 200
            return len(queries)

        count(small)  # warm the session and permission caches alike
        assert count(small) == count(large)


class TestHouseholdMembers:
    def test_add_linked_adult(self, client, setup):
        team, worker = setup
        person = person_in(team)
        father, stranger = AdultFactory.create(first_name="Fathero"), AdultFactory.create(first_name="Strangero")
        Relationship.objects.create(young_person=person, adult=father, kind="father")
        household = services.household_create(actor=worker, name="House", young_people=[person])
        url = reverse("people:household_adult_add", args=[household.pk])
        text = client.get(url).text
        assert "Fathero" in text
        assert "Strangero" not in text
        response = client.post(url, {"adult": stranger.pk})
        assert "govuk-error-summary" in response.text
        assert "Choose one of the adults listed" in response.text
        assert client.post(url, {}).status_code == 200
        assert not household.adults.exists()
        assert client.post(url, {"adult": father.pk}).status_code == 302
        assert list(household.adults.all()) == [father]
        assert events(Action.UPDATE, object_type="people.Household", detail__added_adult=father.pk)

    def test_add_new_adult(self, client, setup):
        team, worker = setup
        household = services.household_create(actor=worker, name="House", young_people=[person_in(team)])
        url = reverse("people:household_adult_create", args=[household.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"first_name": "Sam", "last_name": "", "kind": "parent_carer"})
        assert "govuk-error-summary" in response.text
        assert "Enter the last name" in response.text
        assert not Adult.objects.exists()
        data = {"first_name": "Sam", "last_name": "Jones", "kind": "parent_carer"}
        assert client.post(url, data).status_code == 302
        adult = Adult.objects.get()
        assert list(household.adults.all()) == [adult]
        assert events(Action.CREATE, object_type="people.Adult")
        # Linked through the household, the new adult's page opens.
        assert client.get(reverse("people:adult_detail", args=[adult.pk])).status_code == 200

    def test_remove_members(self, client, setup):
        team, worker = setup
        person, other, adult = person_in(team), person_in(team), AdultFactory.create()
        household = services.household_create(actor=worker, name="House", young_people=[person, other], adults=[adult])
        remove_adult = reverse("people:household_adult_remove", args=[household.pk, adult.pk])
        assert client.get(remove_adult).status_code == 405
        response = client.post(remove_adult)
        assert response["Location"] == reverse("people:household_detail", args=[household.pk])
        assert not household.adults.exists()
        response = client.post(reverse("people:household_young_person_remove", args=[household.pk, other.pk]))
        assert response["Location"] == reverse("people:household_detail", args=[household.pk])
        # The last member the user can see: the household is now out of sight.
        response = client.post(reverse("people:household_young_person_remove", args=[household.pk, person.pk]))
        assert response["Location"] == reverse("people:detail", args=[person.pk])
        assert len(events(Action.UPDATE, object_type="people.Household", detail__has_key="removed_young_person")) == 2

    def test_hidden_members_and_non_members_cannot_be_removed(self, client, setup):
        team, worker = setup
        hidden = person_in(TeamFactory.create())
        household = services.household_create(actor=worker, name="House", young_people=[person_in(team), hidden])
        url = reverse("people:household_young_person_remove", args=[household.pk, hidden.pk])
        assert client.post(url).status_code == 404
        assert household.young_people.filter(pk=hidden.pk).exists()
        outsider = reverse("people:household_young_person_remove", args=[household.pk, person_in(team).pk])
        assert client.post(outsider).status_code == 404
        assert client.post(reverse("people:household_adult_remove", args=[household.pk, 999999])).status_code == 404
