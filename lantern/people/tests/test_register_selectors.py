import datetime as dt

import pytest
from django.utils import timezone

from lantern.accounts.roles import Role
from lantern.cases.models import Involvement
from lantern.people import services
from lantern.people.models import Alias, BreakGlassAccess, RecordShare
from lantern.people.selectors import QueryKind, classify_query, parse_date, young_person_search
from tests.factories import InvolvementFactory, OrganisationFactory, TeamFactory, make_user

from .register_helpers import VALID_NHS, VALID_UPN, person_in, restrict, team_with_worker

pytestmark = pytest.mark.django_db


def found(user, query):
    return [result.young_person for result in young_person_search(user=user, query=query)]


class TestClassify:
    @pytest.mark.parametrize(
        ("query", "kind"),
        [
            ("Jayden", QueryKind.NAME),
            ("jayden okafor", QueryKind.NAME),
            ("3/4/2010", QueryKind.DATE_OF_BIRTH),
            ("03/04/2010", QueryKind.DATE_OF_BIRTH),
            ("2010-04-03", QueryKind.DATE_OF_BIRTH),
            ("31/02/2010", QueryKind.INVALID_DATE),
            ("943 476 5919", QueryKind.NHS_NUMBER),
            ("9434765919", QueryKind.NHS_NUMBER),
            ("h801200001001", QueryKind.UPN),
            ("CP12345", QueryKind.IDENTIFIER),
            ("123456", QueryKind.IDENTIFIER),
            ("", QueryKind.TOO_SHORT),
            ("  ", QueryKind.TOO_SHORT),
            ("j", QueryKind.TOO_SHORT),
            ("!!", QueryKind.TOO_SHORT),
        ],
    )
    def test_kinds(self, query, kind):
        assert classify_query(query).kind is kind

    def test_dates_are_day_first(self):
        assert parse_date("3/4/2010") == dt.date(2010, 4, 3)
        assert parse_date("03/04/2010") == dt.date(2010, 4, 3)
        assert parse_date("2010-04-03") == dt.date(2010, 4, 3)
        assert parse_date("2010-13-03") is None


class TestNameSearch:
    def test_fuzzy_spelling_finds_jaden_for_jayden(self):
        team, worker = team_with_worker()
        jaden = person_in(team, first_name="Jaden", last_name="Okafor")
        person_in(team, first_name="Maria", last_name="Smith")
        assert found(worker, "Jayden") == [jaden]
        assert found(worker, "jayden okafor") == [jaden]
        # One typo in the surname is tolerated through the phonetic key.
        assert found(worker, "Jayden Okafur") == [jaden]

    def test_every_word_must_match(self):
        team, worker = team_with_worker()
        person_in(team, first_name="Jaden", last_name="Okafor")
        assert found(worker, "Jayden Smith") == []

    def test_prefix_and_exact_rank_first(self):
        team, worker = team_with_worker()
        jaydon = person_in(team, first_name="Jaydon", last_name="Brown")
        jay = person_in(team, first_name="Jay", last_name="Brown")
        results = found(worker, "jay brown")
        assert results[0] == jay
        assert jaydon in results

    def test_aliases_and_street_names(self):
        team, worker = team_with_worker()
        person = person_in(team, first_name="Michael", last_name="Brown")
        services.alias_add(actor=worker, young_person=person, name="Lil Striker", kind=Alias.Kind.STREET_NAME)
        results = young_person_search(user=worker, query="striker")
        assert [result.young_person for result in results] == [person]
        assert results[0].matched_alias == "Lil Striker"

    def test_preferred_name(self):
        team, worker = team_with_worker()
        person = person_in(team, first_name="Alexander", last_name="Reid", preferred_name="Sandy")
        assert found(worker, "sandy reid") == [person]

    def test_results_show_open_teams(self):
        team, worker = team_with_worker()
        person = person_in(team, first_name="Jaden", last_name="Okafor")
        closed = TeamFactory.create(name="Closed Team")
        InvolvementFactory.create(
            team=closed, young_person=person, opened_at=timezone.now() - dt.timedelta(days=30), closed_at=timezone.now()
        )
        result = young_person_search(user=worker, query="okafor")[0]
        assert result.teams == [team.name]

    def test_limited_to_fifty(self):
        team, worker = team_with_worker()
        for _ in range(55):
            person_in(team, first_name="Sam", last_name="Taylor")
        assert len(found(worker, "sam taylor")) == 50


class TestOtherSearches:
    def test_date_of_birth_in_every_format(self):
        team, worker = team_with_worker()
        born = dt.date(timezone.localdate().year - 14, 4, 3)
        person = person_in(team, date_of_birth=born)
        person_in(team, date_of_birth=born + dt.timedelta(days=1))
        for query in (f"3/4/{born.year}", f"03/04/{born.year}", f"{born.year}-04-03"):
            assert found(worker, query) == [person]

    def test_nhs_number_with_or_without_spaces(self):
        team, worker = team_with_worker()
        person = person_in(team, nhs_number=VALID_NHS[0])
        assert found(worker, "943 476 5919") == [person]
        assert found(worker, "9434765919") == [person]
        assert found(worker, "943-476-5919") == [person]

    def test_upn_and_council_id(self):
        team, worker = team_with_worker()
        pupil = person_in(team, upn=VALID_UPN[0])
        known = person_in(team, council_person_id="LCS000123")
        assert found(worker, VALID_UPN[0].lower()) == [pupil]
        assert found(worker, "lcs000123") == [known]

    def test_too_short_searches_nothing(self):
        team, worker = team_with_worker()
        person_in(team, first_name="J", last_name="Okafor")
        assert found(worker, "j") == []


class TestScope:
    def test_never_finds_a_young_person_outside_the_users_scope(self):
        team, worker = team_with_worker()
        other_team = TeamFactory.create()
        outsider = person_in(other_team, first_name="Jaden", last_name="Okafor", nhs_number=VALID_NHS[1])
        closed = person_in(None, first_name="Jaden", last_name="Okafor")
        InvolvementFactory.create(
            team=team, young_person=closed, opened_at=timezone.now() - dt.timedelta(days=30), closed_at=timezone.now()
        )
        for query in ("jaden", "okafor", "943 476 5927", outsider.date_of_birth.strftime("%d/%m/%Y")):
            results = found(worker, query)
            assert outsider not in results
            assert closed not in results

    def test_manager_finds_closed_involvements_worker_does_not(self):
        team, worker = team_with_worker()
        manager = make_user(Role.TEAM_MANAGER, team=team)
        person = person_in(None, first_name="Jaden", last_name="Okafor")
        InvolvementFactory.create(
            team=team, young_person=person, opened_at=timezone.now() - dt.timedelta(days=30), closed_at=timezone.now()
        )
        assert found(manager, "okafor") == [person]
        assert found(worker, "okafor") == []

    def test_partner_finds_only_shared_records(self):
        team, worker = team_with_worker()
        police = OrganisationFactory.create(kind="police")
        partner = make_user(Role.PARTNER_AGENCY_USER, team=TeamFactory.create(organisation=police))
        shared = person_in(team, first_name="Jaden", last_name="Okafor")
        person_in(team, first_name="Jaden", last_name="Okafor")
        RecordShare.objects.create(
            young_person=shared, organisation=police, agreement="ISA", reason="MACE", shared_by=worker
        )
        assert found(partner, "okafor") == [shared]

    def test_restricted_records_are_found_only_by_those_allowed(self):
        team, worker = team_with_worker()
        manager = make_user(Role.TEAM_MANAGER, team=team)
        colleague = make_user(Role.YOUTH_SUPPORT_WORKER, team=team)
        person = person_in(team, first_name="Jaden", last_name="Okafor", nhs_number=VALID_NHS[2])
        restriction = restrict(person, manager)
        restriction.allowed_users.add(worker)
        assert found(worker, "okafor") == [person]
        assert found(manager, "okafor") == [person]
        assert found(colleague, "okafor") == []
        assert found(colleague, "943 476 5935") == []
        # Live break-glass access lets the colleague find it.
        BreakGlassAccess.objects.create(
            young_person=person,
            user=colleague,
            reason="Missing tonight",
            expires_at=timezone.now() + dt.timedelta(hours=1),
        )
        assert found(colleague, "okafor") == [person]

    def test_roles_without_search_find_nothing(self):
        team, _ = team_with_worker()
        analyst = make_user(Role.PERFORMANCE_ANALYST, team=team)
        person_in(team, first_name="Jaden", last_name="Okafor")
        assert found(analyst, "okafor") == []

    def test_social_worker_finds_only_their_own(self):
        team = TeamFactory.create()
        social_worker = make_user(Role.SOCIAL_WORKER, team=team)
        mine = person_in(None, first_name="Jaden", last_name="Okafor")
        InvolvementFactory.create(
            team=team, young_person=mine, worker=social_worker, reason=Involvement.Reason.LEAD_PRACTITIONER
        )
        person_in(team, first_name="Jaden", last_name="Okafor")
        assert found(social_worker, "okafor") == [mine]


def test_search_makes_a_fixed_number_of_queries(django_assert_max_num_queries):
    team, worker = team_with_worker()
    for number in range(30):
        person = person_in(team, first_name="Sam", last_name="Taylor")
        if number % 3 == 0:
            InvolvementFactory.create(team=TeamFactory.create(), young_person=person)
    worker.active_memberships  # noqa: B018 (loaded once per request in real use)
    with django_assert_max_num_queries(4):
        results = young_person_search(user=worker, query="sam taylor")
        assert all(result.teams for result in results)
        assert all(result.young_person.locality is None for result in results)
