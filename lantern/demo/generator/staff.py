"""The people who do the work: one demo user per role (with the printed
password), synthetic colleagues enough to carry the open caseloads, and the
allocation of every involvement to a worker. Then the involvements, legal
statuses, partner shares and restrictions are written."""

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from faker import Faker

from lantern.accounts.models import Membership, User
from lantern.accounts.roles import Role
from lantern.cases.models import Involvement
from lantern.people.models import LegalStatus, RecordRestriction, RecordShare

from .history import Episode
from .organisations import County
from .population import BATCH_SIZE
from .scales import FAMILIES_PER_WORKER

# One password for every demo user, printed by `lantern seed`. It passes the
# password validators (12+ characters, not common, not like a username).
DEMO_PASSWORD = "Lantern-demo-2026!"  # noqa: S105  (a published demo password, on synthetic data only)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    team: str
    job_title: str


DEMO_USERS = [
    DemoUser("ysw", Role.YOUTH_SUPPORT_WORKER, "tyss_north", "Youth support worker"),
    DemoUser("senior", Role.SENIOR_PRACTITIONER, "tyss_north", "Senior practitioner"),
    DemoUser("missing", Role.MISSING_PRACTITIONER, "missing", "Missing practitioner"),
    DemoUser("detached", Role.DETACHED_YOUTH_WORKER, "detached", "Detached youth worker"),
    DemoUser("psychologist", Role.CLINICAL_PSYCHOLOGIST, "tyss_north", "Clinical psychologist"),
    DemoUser("manager", Role.TEAM_MANAGER, "tyss_north", "Team manager, TYSS North"),
    DemoUser("socialworker", Role.SOCIAL_WORKER, "sc_east", "Social worker"),
    DemoUser("partner", Role.PARTNER_AGENCY_USER, "mace", "MACE police officer"),
    DemoUser("analyst", Role.PERFORMANCE_ANALYST, "performance", "Performance analyst"),
    DemoUser("dpo", Role.DATA_PROTECTION_LEAD, "governance", "Data protection lead"),
    DemoUser("admin", Role.SYSTEM_ADMINISTRATOR, "systems", "System administrator"),
]


@dataclass(frozen=True)
class WorkerTeam:
    role: Role
    job_title: str
    capacity: int  # families (or young people with no household) a worker holds at once
    minimum: int  # synthetic colleagues, even when little is open


WORKER_TEAMS = {
    "tyss_north": WorkerTeam(Role.YOUTH_SUPPORT_WORKER, "Youth support worker", FAMILIES_PER_WORKER, 2),
    "tyss_south": WorkerTeam(Role.YOUTH_SUPPORT_WORKER, "Youth support worker", FAMILIES_PER_WORKER, 3),
    "art": WorkerTeam(Role.YOUTH_SUPPORT_WORKER, "Family support practitioner", 9, 2),
    "missing": WorkerTeam(Role.MISSING_PRACTITIONER, "Missing practitioner", 12, 2),
    "detached": WorkerTeam(Role.DETACHED_YOUTH_WORKER, "Detached youth worker", 15, 2),
    "sc_east": WorkerTeam(Role.SOCIAL_WORKER, "Social worker", 15, 3),
    "sc_west": WorkerTeam(Role.SOCIAL_WORKER, "Social worker", 15, 3),
}
CASE_HOLDING_ROLES = frozenset(
    {Role.YOUTH_SUPPORT_WORKER, Role.SENIOR_PRACTITIONER, Role.MISSING_PRACTITIONER, Role.DETACHED_YOUTH_WORKER}
    | {Role.SOCIAL_WORKER}
)
# Teams with a manager of their own (TYSS North's is the demo manager).
MANAGED_TEAMS = [*WORKER_TEAMS, "mace"]


class Staffing:
    def __init__(self, *, rng: random.Random, fake: Faker, county: County, today: dt.date) -> None:
        self.rng = rng
        self.fake = fake
        self.county = county
        self.today = today
        self.demo_users: dict[str, User] = {}
        self.workers: dict[str, list[User]] = defaultdict(list)
        self.managers: dict[str, User] = {}
        self._usernames: set[str] = set()

    # Users -----------------------------------------------------------------

    def create_users(self, episodes: list[Episode]) -> None:
        """The demo users, then enough synthetic colleagues for each team's open work."""
        users: list[User] = []
        memberships: list[tuple[User, str, Role]] = []
        for demo in DEMO_USERS:
            user = self._user(demo.username, demo.job_title)
            user.set_password(DEMO_PASSWORD)
            validate_password(DEMO_PASSWORD, user)
            self.demo_users[demo.username] = user
            users.append(user)
            memberships.append((user, demo.team, demo.role))
        self.managers["tyss_north"] = self.demo_users["manager"]

        open_families = self._open_families(episodes)
        for key, team in WORKER_TEAMS.items():
            demo_workers = [d for d in DEMO_USERS if d.team == key and d.role in CASE_HOLDING_ROLES]
            self.workers[key] = [self.demo_users[d.username] for d in demo_workers]
            left = max(0, len(open_families[key]) - len(demo_workers) * team.capacity)
            needed = max(team.minimum, math.ceil(left / (team.capacity - 0.5)))
            for _ in range(needed):
                user = self._user(None, team.job_title)
                users.append(user)
                memberships.append((user, key, team.role))
                self.workers[key].append(user)
        for key in MANAGED_TEAMS:
            if key not in self.managers:
                manager = self._user(None, f"Team manager, {self.county.teams[key].name}")
                users.append(manager)
                memberships.append((manager, key, Role.TEAM_MANAGER))
                self.managers[key] = manager
        for _ in range(2):
            officer = self._user(None, "MACE police officer")
            users.append(officer)
            memberships.append((officer, "mace", Role.PARTNER_AGENCY_USER))

        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(
            [Membership(user=user, team=self.county.teams[key], role=role) for user, key, role in memberships]
        )

    def _user(self, username: str | None, job_title: str) -> User:
        first_name, last_name = self.fake.first_name(), self.fake.last_name()
        if username is None:
            base = f"{first_name[0]}.{last_name}".lower().replace("'", "")
            username, n = base, 1
            while username in self._usernames:
                n += 1
                username = f"{base}{n}"
        self._usernames.add(username)
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.org",
            job_title=job_title,
        )
        # Synthetic colleagues cannot sign in: only the demo users can.
        user.set_unusable_password()
        return user

    # Allocation ------------------------------------------------------------

    def _open_families(self, episodes: list[Episode]) -> dict[str, dict[int, list[Episode]]]:
        families: dict[str, dict[int, list[Episode]]] = defaultdict(dict)
        for episode in episodes:
            if episode.end is None and episode.team in WORKER_TEAMS:
                families[episode.team].setdefault(episode.person.family, []).append(episode)
        return families

    def allocate(self, episodes: list[Episode]) -> None:
        open_families = self._open_families(episodes)
        ysw_people: set[int] = set()
        for key, team in WORKER_TEAMS.items():
            workers = self.workers[key]
            families = list(open_families[key].values())
            if key == "sc_east":
                # The demo social worker leads on the young people the demo youth support worker holds.
                families.sort(key=lambda eps: not any(e.person.pk in ysw_people for e in eps))
            demo_count = sum(1 for w in workers if w.username in self.demo_users)
            position = 0
            for worker in workers[:demo_count]:
                quota = self.rng.choice([team.capacity - 1, team.capacity])
                for family in families[position : position + quota]:
                    for episode in family:
                        episode.worker_id = worker.pk
                        if worker.username == "ysw":
                            ysw_people.add(episode.person.pk)
                position += quota
            others = workers[demo_count:]
            for index, family in enumerate(families[position:]):
                for episode in family:
                    episode.worker_id = others[index % len(others)].pk
        for episode in episodes:
            if episode.worker_id is None and episode.team in WORKER_TEAMS:
                episode.worker_id = self.rng.choice(self.workers[episode.team]).pk

    # Writing ---------------------------------------------------------------

    def write_involvements(self, episodes: list[Episode]) -> None:
        involvements = []
        statuses = []
        for episode in episodes:
            opened_at = self._at(episode.start, 9, 16)
            closed_at = self._at(episode.end, 17, 19) if episode.end else None
            opener = self.managers.get(episode.team) if episode.team.startswith("tyss") else None
            involvements.append(
                Involvement(
                    team_id=self.county.teams[episode.team].pk,
                    young_person_id=episode.person.pk,
                    reason=episode.reason,
                    worker_id=episode.worker_id,
                    opened_at=opened_at,
                    opened_by_id=opener.pk if opener else episode.worker_id,
                    closed_at=closed_at,
                    closed_by_id=episode.worker_id if closed_at else None,
                    closure_reason=episode.closure,
                )
            )
            if episode.legal_status:
                statuses.append(
                    LegalStatus(
                        young_person_id=episode.person.pk,
                        status=episode.legal_status,
                        started_on=episode.start,
                        ended_on=episode.end,
                    )
                )
            if len(involvements) >= BATCH_SIZE:
                Involvement.objects.bulk_create(involvements)
                involvements = []
        Involvement.objects.bulk_create(involvements, batch_size=BATCH_SIZE)
        LegalStatus.objects.bulk_create(statuses, batch_size=BATCH_SIZE)

    def write_shares_and_restrictions(self, episodes: list[Episode], young_people: int) -> tuple[int, int]:
        """Some open call-in cases are shared with the police for MACE, a few
        with the youth justice service; a few records are restricted, one of
        them on the demo youth support worker's caseload."""
        rng = self.rng
        ysw = self.demo_users["ysw"]
        open_call_ins = [e for e in episodes if e.reason == Involvement.Reason.CALL_IN and e.end is None]
        on_ysw_caseload = [e for e in open_call_ins if e.worker_id == ysw.pk]
        others = [e for e in open_call_ins if e.worker_id != ysw.pk]
        restricted = on_ysw_caseload[-1:] + rng.sample(others, min(len(others), max(1, young_people // 1000)))
        restricted_people = {e.person.pk for e in restricted}
        shareable = [e for e in open_call_ins if e.person.pk not in restricted_people]
        to_police = [e for e in shareable if e.worker_id == ysw.pk][:2]
        chosen = {e.person.pk for e in to_police}
        rest = [e for e in shareable if e.person.pk not in chosen]
        to_police += rng.sample(rest, min(len(rest), max(3, len(open_call_ins) // 12)))
        shared_people = {e.person.pk for e in to_police}
        to_yjs = [e for e in shareable if e.person.pk not in shared_people][: max(1, len(open_call_ins) // 40)]

        now = timezone.now()
        police = self.county.organisations["police"]
        yjs = self.county.organisations["yjs"]
        agreement = f"{self.county.name} Exploitation Information Sharing Agreement 2025"
        shares = [
            RecordShare(
                young_person_id=e.person.pk,
                organisation=police,
                agreement=agreement,
                reason="Discussed at MACE: concerns about criminal exploitation and county lines",
                shared_by=self.managers.get(e.team, self.demo_users["manager"]),
                shared_at=now - dt.timedelta(days=rng.randint(1, 120)),
            )
            for e in to_police
        ] + [
            RecordShare(
                young_person_id=e.person.pk,
                organisation=yjs,
                agreement=agreement,
                reason="Out-of-court disposal: joint working with the youth justice service",
                shared_by=self.managers.get(e.team, self.demo_users["manager"]),
                shared_at=now - dt.timedelta(days=rng.randint(1, 120)),
            )
            for e in to_yjs
        ]
        RecordShare.objects.bulk_create(shares)

        restrictions = [
            RecordRestriction(
                young_person_id=e.person.pk,
                manager=self.managers.get(e.team, self.demo_users["manager"]),
                reason="A relative works in the service: access limited to named staff",
                restricted_at=now - dt.timedelta(days=rng.randint(10, 80)),
                review_due_on=self.today + dt.timedelta(days=rng.randint(5, 80)),
            )
            for e in restricted
        ]
        RecordRestriction.objects.bulk_create(restrictions)
        senior = self.demo_users["senior"]
        RecordRestriction.allowed_users.through.objects.bulk_create(
            [
                RecordRestriction.allowed_users.through(recordrestriction_id=r.pk, user_id=senior.pk)
                for r in restrictions
            ]
        )
        return len(shares), len(restrictions)

    def _at(self, day: dt.date, earliest: int, latest: int) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(self.rng.randint(earliest, latest - 1), self.rng.randint(0, 59)), tzinfo=dt.UTC
        )
