import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.people import services
from lantern.people.models import Alias, Household, LegalStatus, PersonNameToken, Relationship, YoungPerson
from lantern.people.permissions import fully_visible_young_people, visible_adults
from lantern.people.selectors import possible_duplicates
from tests.factories import AdultFactory, TeamFactory, make_user

from .register_helpers import VALID_NHS, VALID_UPN, events, person_in, png_upload, team_with_worker, years_ago

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def _create(actor, team, **fields):
    defaults = {"first_name": "Jayden", "last_name": "Okafor", "date_of_birth": years_ago(14)}
    defaults.update(fields)
    return services.young_person_create(
        actor=actor, team=team, involvement_reason=Involvement.Reason.CALL_IN, **defaults
    )


class TestCreate:
    def test_creates_indexes_opens_involvement_and_audits(self):
        team, worker = team_with_worker()
        person = _create(worker, team, nhs_number="943 476 5919", upn="h801200001001", preferred_name="JJ")
        assert person.nhs_number == "9434765919"
        assert person.upn == "H801200001001"
        assert person.created_by == worker
        assert set(PersonNameToken.objects.filter(young_person=person).values_list("token", flat=True)) == {
            "jayden",
            "okafor",
            "jj",
        }
        assert Involvement.objects.filter(team=team, young_person=person, closed_at__isnull=True).exists()
        assert fully_visible_young_people(worker).filter(pk=person.pk).exists()
        created = events(Action.CREATE, object_type="people.YoungPerson", young_person=person)
        assert len(created) == 1
        assert "nhs_number" in created[0].detail["fields"]
        # Values stay out of the audit detail: the record holds them.
        assert "9434765919" not in str(created[0].detail)

    def test_social_worker_is_named_on_the_involvement_so_they_can_see_it(self):
        team = TeamFactory.create()
        social_worker = make_user(Role.SOCIAL_WORKER, team=team)
        person = services.young_person_create(
            actor=social_worker,
            team=team,
            involvement_reason=Involvement.Reason.LEAD_PRACTITIONER,
            first_name="Amy",
            last_name="Lee",
            date_of_birth=years_ago(13),
        )
        assert fully_visible_young_people(social_worker).filter(pk=person.pk).exists()

    def test_refuses_a_team_the_actor_is_not_in(self):
        _, worker = team_with_worker()
        with pytest.raises(ValidationError) as error:
            _create(worker, TeamFactory.create())
        assert "team" in error.value.message_dict
        assert not YoungPerson.objects.exists()

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"date_of_birth": timezone.localdate() + dt.timedelta(days=1)}, "date_of_birth", "in the past"),
            ({"date_of_birth": years_ago(31)}, "date_of_birth", "within the last 30 years"),
            ({"nhs_number": "9434765918"}, "nhs_number", "check digit"),
            ({"nhs_number": "12345"}, "nhs_number", "10 digits"),
            ({"upn": "A801200001001"}, "upn", "check letter"),
            ({"first_name": "x" * 101}, "first_name", "at most 100"),
            ({"postcode": "x" * 11}, "postcode", "at most 10"),
        ],
    )
    def test_bad_values_are_refused_and_nothing_is_saved(self, fields, field, message):
        team, worker = team_with_worker()
        with pytest.raises(ValidationError) as error:
            _create(worker, team, **fields)
        assert field in error.value.message_dict
        assert message in " ".join(error.value.message_dict[field])
        assert not YoungPerson.objects.exists()
        assert not Involvement.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.CREATE).exists()

    @pytest.mark.parametrize(
        ("field", "value", "typed"),
        [
            ("nhs_number", VALID_NHS[0], "943 476 5919"),
            ("upn", VALID_UPN[0], VALID_UPN[0].lower()),
            ("council_person_id", "CP-123", "cp-123"),
        ],
    )
    def test_identifier_clash_is_a_field_error(self, field, value, typed):
        team, worker = team_with_worker()
        person_in(None, **{field: value})
        with pytest.raises(ValidationError) as error:
            _create(worker, team, **{field: typed})
        assert "already recorded for another young person" in error.value.message_dict[field][0]
        assert YoungPerson.objects.count() == 1

    def test_unknown_fields_are_a_programming_error(self):
        team, worker = team_with_worker()
        with pytest.raises(TypeError):
            _create(worker, team, created_by=worker)


class TestDuplicates:
    def test_same_date_of_birth_and_similar_name(self):
        team, worker = team_with_worker()
        born = years_ago(15, 3)
        existing = person_in(team, first_name="Jaden", last_name="Okafor", date_of_birth=born)
        person_in(team, first_name="Jaden", last_name="Okafor", date_of_birth=born - dt.timedelta(days=1))
        person_in(team, first_name="Maria", last_name="Smith", date_of_birth=born)
        matches = possible_duplicates(user=worker, first_name="Jayden", last_name="Okafor", date_of_birth=born)
        assert [match.young_person for match in matches] == [existing]
        assert "similar name" in matches[0].reasons[0]

    def test_surname_that_sounds_the_same(self):
        team, worker = team_with_worker()
        born = years_ago(15)
        existing = person_in(team, first_name="Kayleigh", last_name="Smith", date_of_birth=born)
        matches = possible_duplicates(user=worker, first_name="Kim", last_name="Smyth", date_of_birth=born)
        assert [match.young_person for match in matches] == [existing]

    def test_by_alias(self):
        team, worker = team_with_worker()
        born = years_ago(15)
        existing = person_in(team, first_name="Michael", last_name="Brown", date_of_birth=born)
        services.alias_add(actor=worker, young_person=existing, name="Tyrese Walker")
        matches = possible_duplicates(user=worker, first_name="Tyrese", last_name="Walker", date_of_birth=born)
        assert [match.young_person for match in matches] == [existing]

    @pytest.mark.parametrize(
        ("field", "value", "reason"),
        [
            ("nhs_number", VALID_NHS[1], "Same NHS number"),
            ("upn", VALID_UPN[1], "Same Unique Pupil Number"),
            ("council_person_id", "ABC999", "Same council person ID"),
        ],
    )
    def test_by_identifier_whatever_the_name(self, field, value, reason):
        team, worker = team_with_worker()
        existing = person_in(team, first_name="Zoe", last_name="Adams", **{field: value})
        matches = possible_duplicates(
            user=worker, first_name="Other", last_name="Name", date_of_birth=years_ago(12), **{field: value}
        )
        assert [match.young_person for match in matches] == [existing]
        assert matches[0].reasons == [reason]

    def test_records_outside_scope_are_found_without_their_name(self):
        _team, worker = team_with_worker()
        born = years_ago(15)
        other_team = TeamFactory.create(name="Missing Team South")
        person_in(other_team, first_name="Jaden", last_name="Okafor", date_of_birth=born)
        matches = possible_duplicates(user=worker, first_name="Jayden", last_name="Okafor", date_of_birth=born)
        assert len(matches) == 1
        assert matches[0].young_person is None
        assert not matches[0].visible
        assert matches[0].teams == ["Missing Team South"]

    def test_restricted_records_do_not_even_name_the_team(self):
        team, worker = team_with_worker()
        born = years_ago(15)
        manager = make_user(Role.TEAM_MANAGER, team=team)
        person = person_in(team, first_name="Jaden", last_name="Okafor", date_of_birth=born)
        from .register_helpers import restrict

        restrict(person, manager)
        matches = possible_duplicates(user=worker, first_name="Jayden", last_name="Okafor", date_of_birth=born)
        assert len(matches) == 1
        assert matches[0].young_person is None
        assert matches[0].restricted
        assert matches[0].teams == []


class TestUpdate:
    def test_audits_changed_field_names_and_reindexes(self):
        team, worker = team_with_worker()
        person = person_in(team, first_name="Jayden", last_name="Okafor")
        services.young_person_update(actor=worker, young_person=person, first_name="Jay", town="Lincoln")
        event = events(Action.UPDATE, young_person=person)[0]
        assert event.detail == {"changed": ["first_name", "town"]}
        tokens = set(PersonNameToken.objects.filter(young_person=person).values_list("token", flat=True))
        assert "jay" in tokens
        assert "jayden" not in tokens

    def test_no_change_writes_no_event(self):
        team, worker = team_with_worker()
        person = person_in(team, first_name="Amy")
        services.young_person_update(actor=worker, young_person=person, first_name="Amy")
        assert not events(Action.UPDATE)

    def test_bad_update_leaves_the_record_as_it_was(self):
        team, worker = team_with_worker()
        person = person_in(team, first_name="Amy")
        with pytest.raises(ValidationError):
            services.young_person_update(actor=worker, young_person=person, first_name="Zed", nhs_number="1234567890")
        person.refresh_from_db()
        assert person.first_name == "Amy"
        assert not events(Action.UPDATE)


class TestAliases:
    def test_add_and_remove_keep_the_index_in_step(self):
        team, worker = team_with_worker()
        person = person_in(team)
        alias = services.alias_add(actor=worker, young_person=person, name="Lil Striker", kind=Alias.Kind.STREET_NAME)
        assert PersonNameToken.objects.filter(young_person=person, token="striker").exists()
        services.alias_remove(actor=worker, alias=alias)
        assert not PersonNameToken.objects.filter(young_person=person, token="striker").exists()
        assert len(events(Action.CREATE, object_type="people.Alias", young_person=person)) == 1
        assert len(events(Action.DELETE, object_type="people.Alias", young_person=person)) == 1

    def test_refuses_the_same_name_twice_and_over_long_names(self):
        team, worker = team_with_worker()
        person = person_in(team)
        services.alias_add(actor=worker, young_person=person, name="Striker")
        with pytest.raises(ValidationError):
            services.alias_add(actor=worker, young_person=person, name="striker")
        with pytest.raises(ValidationError):
            services.alias_add(actor=worker, young_person=person, name="x" * 201)
        with pytest.raises(ValidationError):
            services.alias_add(actor=worker, young_person=person, name="   ")


class TestLegalStatus:
    def test_new_status_ends_the_current_one_the_day_before(self):
        team, worker = team_with_worker()
        person = person_in(team)
        first_day = timezone.localdate() - dt.timedelta(days=100)
        first = services.legal_status_record(
            actor=worker, young_person=person, status=LegalStatus.Status.CHILD_IN_NEED, started_on=first_day
        )
        second_day = timezone.localdate() - dt.timedelta(days=10)
        second = services.legal_status_record(
            actor=worker, young_person=person, status=LegalStatus.Status.CHILD_PROTECTION, started_on=second_day
        )
        first.refresh_from_db()
        assert first.ended_on == second_day - dt.timedelta(days=1)
        assert second.ended_on is None
        assert len(events(Action.CREATE, object_type="people.LegalStatus", young_person=person)) == 2

    @pytest.mark.parametrize("offset", [0, 1])
    def test_refuses_a_start_on_or_before_the_current_start(self, offset):
        team, worker = team_with_worker()
        person = person_in(team)
        day = timezone.localdate() - dt.timedelta(days=30)
        services.legal_status_record(actor=worker, young_person=person, status="cin", started_on=day)
        with pytest.raises(ValidationError) as error:
            services.legal_status_record(
                actor=worker, young_person=person, status="cp", started_on=day - dt.timedelta(days=offset)
            )
        assert "started_on" in error.value.message_dict
        assert LegalStatus.objects.get(young_person=person).ended_on is None

    def test_refuses_the_same_status_and_a_future_start(self):
        team, worker = team_with_worker()
        person = person_in(team)
        day = timezone.localdate() - dt.timedelta(days=30)
        services.legal_status_record(actor=worker, young_person=person, status="cin", started_on=day)
        with pytest.raises(ValidationError):
            services.legal_status_record(actor=worker, young_person=person, status="cin", started_on=day)
        with pytest.raises(ValidationError):
            services.legal_status_record(
                actor=worker, young_person=person, status="cp", started_on=timezone.localdate() + dt.timedelta(days=1)
            )
        with pytest.raises(ValidationError):
            services.legal_status_record(actor=worker, young_person=person, status="nonsense", started_on=day)
        assert LegalStatus.objects.count() == 1


class TestRelationships:
    def test_adult_and_sibling(self):
        team, worker = team_with_worker()
        person, sister = person_in(team), person_in(team)
        mother = AdultFactory.create()
        services.relationship_add(
            actor=worker, young_person=person, kind="mother", adult=mother, has_parental_responsibility=True
        )
        services.relationship_add(actor=worker, young_person=person, kind="sibling", other_young_person=sister)
        assert Relationship.objects.count() == 2
        assert visible_adults(worker).filter(pk=mother.pk).exists()
        assert len(events(Action.CREATE, object_type="people.Relationship", young_person=person)) == 2

    def test_refuses_self_duplicates_and_parental_kinds_between_young_people(self):
        team, worker = team_with_worker()
        person, brother = person_in(team), person_in(team)
        with pytest.raises(ValidationError, match="themselves"):
            services.relationship_add(actor=worker, young_person=person, kind="sibling", other_young_person=person)
        with pytest.raises(ValidationError):
            services.relationship_add(actor=worker, young_person=person, kind="mother", other_young_person=brother)
        with pytest.raises(ValidationError):
            services.relationship_add(actor=worker, young_person=person, kind="sibling")
        with pytest.raises(ValidationError):
            services.relationship_add(
                actor=worker,
                young_person=person,
                kind="sibling",
                adult=AdultFactory.create(),
                other_young_person=brother,
            )
        services.relationship_add(actor=worker, young_person=person, kind="sibling", other_young_person=brother)
        # The same link recorded from the other side is a duplicate too.
        with pytest.raises(ValidationError, match="already recorded"):
            services.relationship_add(actor=worker, young_person=brother, kind="sibling", other_young_person=person)
        assert Relationship.objects.count() == 1


class TestAdultsAndHouseholds:
    def test_adult_create_links_the_young_person(self):
        team, worker = team_with_worker()
        person = person_in(team)
        adult = services.adult_create(
            actor=worker,
            young_person=person,
            relationship_kind="father",
            first_name=" Sam ",
            last_name="Jones",
            kind="parent_carer",
        )
        assert adult.first_name == "Sam"
        assert Relationship.objects.filter(young_person=person, adult=adult, kind="father").exists()
        assert visible_adults(worker).filter(pk=adult.pk).exists()
        assert events(Action.CREATE, object_type="people.Adult")

    def test_adult_create_refuses_bad_input_whole(self):
        team, worker = team_with_worker()
        person = person_in(team)
        with pytest.raises(ValidationError):
            services.adult_create(
                actor=worker, young_person=person, relationship_kind="nonsense", first_name="A", last_name="B", kind="x"
            )
        from lantern.people.models import Adult

        assert not Adult.objects.exists()

    def test_household(self):
        team, worker = team_with_worker()
        person, sister = person_in(team), person_in(team)
        carer = AdultFactory.create()
        household = services.household_create(
            actor=worker, name="Okafor, High Street", young_people=[person], adults=[carer]
        )
        services.household_member_add(actor=worker, household=household, young_person=sister)
        assert set(household.young_people.all()) == {person, sister}
        with pytest.raises(ValidationError):
            services.household_member_add(actor=worker, household=household, young_person=sister)
        with pytest.raises(ValidationError):
            services.household_create(actor=worker, name="")
        assert Household.objects.count() == 1
        # An adult in a household of a young person the worker sees is visible.
        assert visible_adults(worker).filter(pk=carer.pk).exists()


class TestPhoto:
    def test_sets_a_real_image(self):
        team, worker = team_with_worker()
        person = person_in(team)
        services.photo_set(actor=worker, young_person=person, photo=png_upload())
        person.refresh_from_db()
        assert (person.photo.name or "").endswith(".png")
        assert str(person.pk) in (person.photo.name or "")
        assert events(Action.UPDATE, young_person=person)[0].detail == {"changed": ["photo"]}

    def test_refuses_a_file_that_is_not_an_image(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        team, worker = team_with_worker()
        person = person_in(team)
        fake = SimpleUploadedFile("photo.png", b"not really a png", content_type="image/png")
        with pytest.raises(ValidationError, match="JPG, PNG or WebP"):
            services.photo_set(actor=worker, young_person=person, photo=fake)
        person.refresh_from_db()
        assert not person.photo

    def test_refuses_a_photo_over_5_mb(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        team, worker = team_with_worker()
        person = person_in(team)
        big = SimpleUploadedFile("big.png", b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
        with pytest.raises(ValidationError, match="5 MB"):
            services.photo_set(actor=worker, young_person=person, photo=big)

    def test_refuses_other_image_formats(self):
        team, worker = team_with_worker()
        person = person_in(team)
        with pytest.raises(ValidationError):
            services.photo_set(actor=worker, young_person=person, photo=png_upload("a.gif", image_format="GIF"))
