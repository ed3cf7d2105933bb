"""Factories for the whole suite. Later capabilities add theirs here or in
their app's tests/factories.py."""

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from lantern.accounts.models import Membership, Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Case, Involvement
from lantern.core.models import Locality
from lantern.people.models import Adult, Gender, YoungPerson
from lantern.people.search_index import reindex
from lantern.referrals.models import CallInRequest, SocialCareStatus

TEST_PASSWORD = "correct-horse-battery-staple"


class LocalityFactory(factory.django.DjangoModelFactory[Locality]):
    class Meta:
        model = Locality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Locality {n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.YOUTH_SUPPORT


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


def make_user(role: str, team: Team | None = None, **kwargs: Any) -> User:
    """A user holding one role in a team (a new team if none is given)."""
    user = UserFactory.create(**kwargs)
    if team is None:
        kind = Organisation.Kind.POLICE if role == Role.PARTNER_AGENCY_USER else Organisation.Kind.YOUTH_SUPPORT
        team = TeamFactory.create(organisation=OrganisationFactory.create(kind=kind))
    Membership.objects.create(user=user, team=team, role=role)
    return user


class YoungPersonFactory(factory.django.DjangoModelFactory[YoungPerson]):
    class Meta:
        model = YoungPerson
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=15 * 365))
    gender = Gender.NOT_KNOWN

    @factory.post_generation
    def index(obj: YoungPerson, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            reindex(obj)


class AdultFactory(factory.django.DjangoModelFactory[Adult]):
    class Meta:
        model = Adult

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    kind = Adult.Kind.PARENT_CARER


class InvolvementFactory(factory.django.DjangoModelFactory[Involvement]):
    class Meta:
        model = Involvement

    team = factory.SubFactory(TeamFactory)
    young_person = factory.SubFactory(YoungPersonFactory)
    reason = Involvement.Reason.CALL_IN
    opened_at = factory.LazyFunction(timezone.now)


class CallInRequestFactory(factory.django.DjangoModelFactory[CallInRequest]):
    """A request as received; move its state through lantern.referrals.services."""

    class Meta:
        model = CallInRequest

    young_person = factory.SubFactory(YoungPersonFactory)
    service_team = factory.SubFactory(TeamFactory)
    recorded_by = factory.SubFactory(UserFactory)
    received_at = factory.LazyFunction(timezone.now)
    state_changed_at = factory.LazyAttribute(lambda request: request.received_at)
    social_care_status = SocialCareStatus.CHILD_IN_NEED


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    """An open, allocated case with its CALL_IN involvement (the access to it)."""

    class Meta:
        model = Case

    young_person = factory.SubFactory(YoungPersonFactory)
    team = factory.SubFactory(TeamFactory)
    worker = factory.SubFactory(UserFactory)
    allocated_by = factory.SelfAttribute("worker")
    allocated_at = factory.LazyFunction(timezone.now)
    involvement = factory.LazyAttribute(
        lambda case: InvolvementFactory.create(
            team=case.team, young_person=case.young_person, worker=case.worker, opened_at=case.allocated_at
        )
    )
