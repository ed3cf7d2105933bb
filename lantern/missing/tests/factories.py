"""Builders for the missing tests: a missing team with its practitioners and
manager, and episodes recorded through the services. Shared by every test
module of the app: add to it, keep what others use."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from lantern.accounts.models import Organisation, Team, User
from lantern.accounts.roles import Role
from lantern.cases.models import Involvement
from lantern.missing import services
from lantern.missing.models import (
    EpisodeKind,
    InterviewFactor,
    InterviewMention,
    MissingEpisode,
    PoliceRisk,
    ReturnHomeInterview,
)
from lantern.people.models import LegalStatus, Placement, YoungPerson
from tests.factories import InvolvementFactory, OrganisationFactory, TeamFactory, YoungPersonFactory, make_user


@dataclass
class MissingTeam:
    """A missing team (practitioners and a manager) and a social-care team."""

    team: Team
    manager: User
    practitioner: User
    other_practitioner: User
    social_care: Team
    social_worker: User

    def young_person(self, **fields: Any) -> YoungPerson:
        """A young person the team sees (an open missing involvement) and the
        social worker leads on."""
        person = YoungPersonFactory.create(**fields)
        InvolvementFactory.create(team=self.team, young_person=person, reason=Involvement.Reason.MISSING_EPISODE)
        InvolvementFactory.create(
            team=self.social_care,
            young_person=person,
            reason=Involvement.Reason.LEAD_PRACTITIONER,
            worker=self.social_worker,
        )
        return person

    def episode(
        self,
        young_person: YoungPerson | None = None,
        *,
        started_at: dt.datetime | None = None,
        hours: float | None = 6,
        **fields: Any,
    ) -> MissingEpisode:
        """An episode recorded through the service: `hours` long (None: still open)."""
        young_person = young_person or self.young_person()
        started_at = started_at or timezone.now() - dt.timedelta(days=2)
        values: dict[str, Any] = {
            "kind": EpisodeKind.MISSING,
            "police_risk": PoliceRisk.MEDIUM,
            "ended_at": None if hours is None else started_at + dt.timedelta(hours=hours),
        }
        values.update(fields)
        return services.episode_record(
            actor=self.practitioner, young_person=young_person, team=self.team, started_at=started_at, **values
        )

    def interview(self, episode: MissingEpisode) -> ReturnHomeInterview:
        episode.refresh_from_db()
        assert episode.interview is not None
        return episode.interview


def missing_team(name: str = "Missing Team") -> MissingTeam:
    service = OrganisationFactory.create(name="Youth Support Service", kind=Organisation.Kind.YOUTH_SUPPORT)
    council = OrganisationFactory.create(name="Children's Services", kind=Organisation.Kind.CHILDRENS_SERVICES)
    team = TeamFactory.create(organisation=service, name=name)
    social_care = TeamFactory.create(organisation=council, name=f"Social Care for {name}")
    return MissingTeam(
        team=team,
        manager=make_user(Role.TEAM_MANAGER, team, first_name="Mona", last_name="Manager"),
        practitioner=make_user(Role.MISSING_PRACTITIONER, team, first_name="Pat", last_name="Practitioner"),
        other_practitioner=make_user(Role.MISSING_PRACTITIONER, team, first_name="Olu", last_name="Other"),
        social_care=social_care,
        social_worker=make_user(Role.SOCIAL_WORKER, social_care, first_name="Sam", last_name="Social"),
    )


def looked_after(
    young_person: YoungPerson, *, since: dt.date, until: dt.date | None = None, **placement: Any
) -> Placement:
    """Make a young person looked after from `since` with one placement."""
    LegalStatus.objects.create(
        young_person=young_person, status=LegalStatus.Status.LOOKED_AFTER, started_on=since, ended_on=until
    )
    values: dict[str, Any] = {
        "reason_new_episode": Placement.ReasonNewEpisode.S,
        "legal_status": Placement.LegalStatusCode.C2,
        "category_of_need": Placement.NeedCode.N1,
        "placement_type": Placement.PlacementType.U4,
        "provider": Placement.Provider.PR1,
        "placement_postcode": "NR1 1AA",
        "home_postcode": "NR2 2BB",
        "reason_ended": Placement.ReasonEnded.E8 if until else "",
    }
    values.update(placement)
    return Placement.objects.create(young_person=young_person, started_on=since, ended_on=until, **values)


# ---------------------------------------------------------------------------
# Direct builders for tests of the reads (reports, lists): rows made as the
# services would leave them, without the services' checks and audit, so that
# many can be made quickly and at any time in the past. Keep to the models'
# rules: one young person's episodes must not overlap (the database refuses).


class MissingEpisodeFactory(factory.django.DjangoModelFactory[MissingEpisode]):
    class Meta:
        model = MissingEpisode

    young_person = factory.SubFactory(YoungPersonFactory)
    team = factory.SubFactory(TeamFactory)
    # Unique across the table, so unique for each young person too.
    number = factory.Sequence(lambda n: n + 1)
    kind = EpisodeKind.MISSING
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    ended_at = factory.LazyAttribute(lambda episode: episode.started_at + dt.timedelta(hours=6))


class ReturnHomeInterviewFactory(factory.django.DjangoModelFactory[ReturnHomeInterview]):
    """An interview; give it episodes with MissingEpisodeFactory(interview=...)."""

    class Meta:
        model = ReturnHomeInterview

    young_person = factory.SubFactory(YoungPersonFactory)
    team = factory.SubFactory(TeamFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=72))


class InterviewFactorFactory(factory.django.DjangoModelFactory[InterviewFactor]):
    class Meta:
        model = InterviewFactor

    interview = factory.SubFactory(ReturnHomeInterviewFactory)
    direction = InterviewFactor.Direction.PUSH
    factor = "conflict_at_home"


class InterviewMentionFactory(factory.django.DjangoModelFactory[InterviewMention]):
    """A mention, its key folded as the service folds it."""

    class Meta:
        model = InterviewMention

    interview = factory.SubFactory(ReturnHomeInterviewFactory)
    young_person = factory.LazyAttribute(lambda mention: mention.interview.young_person)
    kind = InterviewMention.Kind.PLACE
    name = "The Rec"
    key = factory.LazyAttribute(lambda mention: services.mention_key(mention.name))
