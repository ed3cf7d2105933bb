"""Years of work with the county's young people, month by month, at the
rates in the service designs: call-in requests (each from the social worker
who stays lead practitioner; the accepted and allocated ones become call-in
cases), missing episodes, detached contacts and other social-care cases.
Episodes and requests are planned in memory first; staff.py then allocates
workers and writes the involvements, and casework.py writes the requests and
the casework on each case."""

import bisect
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from lantern.cases.models import CaseClosure, Involvement
from lantern.core.working_days import add_working_days, is_working_day
from lantern.people.models import LegalStatus
from lantern.plans.cadence import transition_date
from lantern.referrals.models import CallInRequest

from . import scales
from .organisations import CALL_IN_TEAM, SOCIAL_CARE_TEAM, County
from .population import Person
from .scales import Scale

Reason = Involvement.Reason
Status = LegalStatus.Status
State = CallInRequest.State
YEAR = 365.25

# How call-in cases end. The involvement's closure reason is worded as
# lantern.cases.services.case_closure_approve words it, so that casework.py
# can write the matching CaseClosure.
CASE_CLOSURES = {
    CaseClosure.Reason.PLANNED_ENDING: 55,
    CaseClosure.Reason.DISENGAGED: 14,
    CaseClosure.Reason.MOVED_AWAY: 8,
    CaseClosure.Reason.ESCALATED: 7,
    CaseClosure.Reason.TRANSFERRED: 11,
    CaseClosure.Reason.OTHER: 5,
}


def case_closure_text(reason: CaseClosure.Reason) -> str:
    return f"Case closed: {reason.label}"


# How the missing team's involvements end: the outcome of the last Return
# Home Interview (missing.py writes the interview to match), with its weight.
# "none": no interview was owed (another authority's, custody, ...).
MISSING_CLOSURES: dict[str, tuple[str, int]] = {
    "Return home interview completed": ("completed", 66),
    "Return home interview offered and declined": ("declined", 15),
    "Could not be contacted after three attempts": ("unable_to_contact", 10),
    "Return home interview not offered": ("not_offered", 5),
    "No interview: followed up by another service": ("none", 4),
}

CLOSURES: dict[str, dict[str, int]] = {
    Reason.CALL_IN: {case_closure_text(reason): weight for reason, weight in CASE_CLOSURES.items()},
    Reason.MISSING_EPISODE: {closure: weight for closure, (_, weight) in MISSING_CLOSURES.items()},
    Reason.DETACHED_CONTACT: {
        "No contact for three months": 50,
        "Linked into the wider youth offer": 30,
        "Referred to TYSS through social care": 8,
        "Moved away from the area": 12,
    },
    Reason.LEAD_PRACTITIONER: {
        "Case closed to social care: needs met": 45,
        "Stepped down to early help": 30,
        "Transferred to another local authority": 10,
        "Turned 18: transferred to the leaving-care team": 15,
    },
}


@dataclass(slots=True)
class Episode:
    person: Person
    team: str
    reason: str
    start: dt.date
    end: dt.date | None  # None: still open today
    closure: str = ""
    legal_status: str = ""
    worker_id: int | None = None


@dataclass(slots=True)
class RequestPlan:
    """A call-in request to a TYSS team, as far as the history needs it: when
    it arrived, what became of it, and the social-care episode of the lead
    practitioner who made it. casework.py fills in the rest (consultations,
    transitions, screenings) and, for an allocated one, the case."""

    person: Person
    team: str
    received: dt.date
    state: str  # the request's state today
    decided: dt.date | None  # the day it was accepted, declined, signposted or withdrawn
    allocated: dt.date | None  # accepted requests: the day a worker was allocated (None: on the waiting list)
    lead: Episode
    case: Episode | None = None  # the CALL_IN episode of the case, once allocated


class HistoryBuilder:
    def __init__(
        self,
        *,
        rng: random.Random,
        county: County,
        people: list[Person],
        scale: Scale,
        today: dt.date,
        progress: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.rng = rng
        self.county = county
        self.scale = scale
        self.today = today
        self.progress = progress
        self.start = today - dt.timedelta(days=int(scale.years * YEAR))
        self.everyone = sorted(people, key=lambda p: p.date_of_birth)
        self.everyone_born = [p.date_of_birth.toordinal() for p in self.everyone]
        self.missing_prone = [p for p in self.everyone if p.missing_prone]
        self.missing_prone_born = [p.date_of_birth.toordinal() for p in self.missing_prone]
        self.busy_until: dict[tuple[int, str], dt.date] = {}
        self.last_lead: dict[int, Episode] = {}
        self.episodes: list[Episode] = []
        self.requests: list[RequestPlan] = []

    def build(self) -> list[Episode]:
        factor = self.scale.rate_factor
        months = self.scale.years * 12
        for month in range(months):
            first_day = self.start + dt.timedelta(days=int(month * YEAR / 12))
            for _ in range(self._count(scales.CALL_IN_REQUESTS_PER_MONTH * factor)):
                self._request(self._day(first_day))
            for _ in range(self._count(scales.ART_CASES_PER_MONTH * factor)):
                self._art_case(self._day(first_day))
            for _ in range(self._count(scales.MISSING_YOUNG_PEOPLE_PER_MONTH * factor)):
                self._missing(self._day(first_day))
            for _ in range(self._count(scales.DETACHED_NAMED_PER_MONTH * factor)):
                self._detached(self._day(first_day))
            for _ in range(self._count(scales.OTHER_SOCIAL_CARE_CASES_PER_MONTH * factor)):
                day = self._day(first_day)
                person = self._pick(day, 10, 17, Reason.LEAD_PRACTITIONER)
                if person is not None:
                    self._lead_practitioner(person, day, day + dt.timedelta(days=self.rng.randint(60, 540)))
            if month % 12 == 11:
                self.progress(f"  {month + 1} months, {len(self.episodes):,} involvements")
        for team in CALL_IN_TEAM.values():
            self._every_state_today(team)
        self._someone_in_transition(CALL_IN_TEAM["north"])
        return self.episodes

    # Kinds of work -----------------------------------------------------------

    def _request(self, day: dt.date) -> None:
        """A request from a social worker; about 37.5% are accepted, and an
        accepted request becomes a case once a worker is allocated."""
        day = self._working_day(day)
        person = self._pick(day, 10, 17, Reason.CALL_IN)
        if person is None:
            return
        team = CALL_IN_TEAM[self.county.area(person.locality)]
        self._plan_request(person, team, day, self._weighted(scales.CALL_IN_OUTCOMES))

    def _plan_request(
        self,
        person: Person,
        team: str,
        received: dt.date,
        outcome: str,
        *,
        undecided: str = "",
        waiting: bool = False,
        case_days: int | None = None,
    ) -> RequestPlan:
        """Plan one request: `undecided` forces a state before the decision,
        `waiting` an accepted request not yet allocated, `case_days` how long
        the case runs after allocation."""
        rng = self.rng
        if outcome == State.WITHDRAWN:
            decided: dt.date | None = received + dt.timedelta(days=rng.randint(2, 20))
        else:
            # Most decisions within the 5 working days; some late.
            lag = rng.choices([0, 1, 2, 3, 4, 5, 6, 7, 9, 12], weights=[3, 10, 18, 20, 17, 12, 8, 5, 4, 3])[0]
            decided = add_working_days(received, lag)
        if waiting:
            decided = min(add_working_days(received, rng.randint(1, 3)), self._working_days_ago(1))
        state, allocated = outcome, None
        if undecided or decided is None or decided >= self.today:
            decided = None
            state = undecided or self._undecided_state(received)
        elif outcome == State.ACCEPTED and not waiting:
            wait = rng.choices([0, 1, 2, 3, 4, 6, 8, 12], weights=[25, 30, 18, 10, 7, 5, 3, 2])[0]
            allocated = add_working_days(decided, wait)
            if allocated >= self.today:
                allocated = None  # on the waiting list
        case = None
        if allocated is not None:
            days = (allocated - received).days + (case_days or rng.randint(45, 200))
            case = self._episode(person, team, Reason.CALL_IN, received, days)
        else:
            # Screening the request involves the team until it is decided,
            # and until a worker is allocated once it is accepted.
            waits = decided is None or state == State.ACCEPTED
            self.busy_until[(person.pk, Reason.CALL_IN)] = dt.date.max if waits or decided is None else decided
        # The social worker is lead practitioner from before the request until
        # after it; for some cases social care closes first and the youth
        # support worker carries on as the enduring worker.
        lead_from = received - dt.timedelta(days=rng.randint(20, 180))
        lead_until: dt.date | None
        if case is not None and allocated is not None:
            if rng.random() < 0.2:
                longest = max(31, (case.end - allocated).days - 15) if case.end else 240
                lead_until = allocated + dt.timedelta(days=rng.randint(30, longest))
            else:
                lead_until = case.end + dt.timedelta(days=rng.randint(0, 90)) if case.end else None
        elif decided is not None:
            lead_until = decided + dt.timedelta(days=rng.randint(20, 300))
        else:
            lead_until = None
        lead = self._lead_practitioner(person, lead_from, lead_until)
        plan = RequestPlan(
            person=person,
            team=team,
            received=received,
            state=state,
            decided=decided,
            allocated=allocated,
            lead=lead,
            case=case,
        )
        self.requests.append(plan)
        return plan

    def _undecided_state(self, received: dt.date) -> str:
        if (self.today - received).days <= 1:
            return State.RECEIVED
        return self._weighted({State.RECEIVED: 35, State.IN_CONSULTATION: 40, State.MORE_INFORMATION: 25})

    def _every_state_today(self, team: str) -> None:
        """Every state a request can be in, and two or three on the waiting
        list, for each TYSS team today: a small county's last fortnight may
        not happen to hold them all, and the demo shows every list with rows."""
        states = {r.state for r in self.requests if r.team == team}
        waiting = sum(1 for r in self.requests if r.team == team and r.state == State.ACCEPTED and r.case is None)
        for state, days_ago in ((State.RECEIVED, 1), (State.IN_CONSULTATION, 3), (State.MORE_INFORMATION, 7)):
            if state not in states and (person := self._person_in(team, lambda p: True)):
                self._plan_request(person, team, self._working_days_ago(days_ago), State.ACCEPTED, undecided=state)
        for state in (State.DECLINED, State.SIGNPOSTED, State.WITHDRAWN):
            if state not in states and (person := self._person_in(team, lambda p: True)):
                self._plan_request(person, team, self._working_days_ago(30), state)
        for n in range(max(0, 2 - waiting)):
            if person := self._person_in(team, lambda p: True):
                self._plan_request(person, team, self._working_days_ago(4 + n), State.ACCEPTED, waiting=True)

    def _someone_in_transition(self, team: str) -> None:
        """An open case of a young person over 17½, so that the demo shows a
        transition plan, if the history did not happen to make one."""
        for plan in self.requests:
            if (
                plan.team == team
                and plan.case is not None
                and plan.case.end is None
                and transition_date(plan.person.date_of_birth) <= self.today - dt.timedelta(days=20)
            ):
                return

        def nearly_adult(person: Person) -> bool:
            return transition_date(person.date_of_birth) <= self.today - dt.timedelta(
                days=40
            ) and person.date_of_birth > self.today - dt.timedelta(days=int(17.9 * YEAR))

        if person := self._person_in(team, nearly_adult):
            self._plan_request(person, team, self._working_days_ago(70), State.ACCEPTED, case_days=400)

    def _person_in(self, team: str, wanted: Callable[[Person], bool]) -> Person | None:
        """Someone of call-in age who lives in the team's half of the county,
        with no call-in work open or recent."""
        area = next(a for a, t in CALL_IN_TEAM.items() if t == team)
        born_after = self.today - dt.timedelta(days=int(18 * YEAR))
        born_by = self.today - dt.timedelta(days=int(10 * YEAR))
        recent = self.today - dt.timedelta(days=30)
        eligible = [
            person
            for person in self.everyone
            if born_after < person.date_of_birth <= born_by
            and self.county.area(person.locality) == area
            and self.busy_until.get((person.pk, Reason.CALL_IN), dt.date.min) < recent
            and wanted(person)
        ]
        return self.rng.choice(eligible) if eligible else None

    def _working_days_ago(self, n: int) -> dt.date:
        day = self.today - dt.timedelta(days=1)
        while not is_working_day(day):
            day -= dt.timedelta(days=1)
        while n > 0:
            day -= dt.timedelta(days=1)
            if is_working_day(day):
                n -= 1
        return day

    def _working_day(self, day: dt.date) -> dt.date:
        """Requests arrive on working days: the next one, or the last before today."""
        moved = day
        while not is_working_day(moved):
            moved += dt.timedelta(days=1)
        if moved < self.today:
            return moved
        while not is_working_day(day) and day > self.start:
            day -= dt.timedelta(days=1)
        return day

    def _art_case(self, day: dt.date) -> None:
        """The Adolescent Risk Team takes its cases from social care directly,
        not through TYSS's call-in requests."""
        person = self._pick(day, 10, 17, Reason.CALL_IN)
        if person is None:
            return
        episode = self._episode(person, "art", Reason.CALL_IN, day, self.rng.randint(45, 200))
        lead_from = day - dt.timedelta(days=self.rng.randint(20, 180))
        lead_until = episode.end + dt.timedelta(days=self.rng.randint(0, 90)) if episode.end else None
        self._lead_practitioner(person, lead_from, lead_until)

    def _missing(self, day: dt.date) -> None:
        for _ in range(12):
            person = self._pick(day, 10, 17, Reason.MISSING_EPISODE, pool=self.missing_prone)
            # Children in care placements go missing far more often than others.
            if person is not None and self.rng.random() < person.missing_prone / (2.5 if person.family < 0 else 5):
                episode = self._episode(person, "missing", Reason.MISSING_EPISODE, day, self.rng.randint(2, 21))
                if person.family < 0:
                    self._looked_after_through(person, day, episode.end)
                return

    def _looked_after_through(self, person: Person, day: dt.date, until: dt.date | None) -> None:
        """A young person living in a care placement is looked after while the
        missing team works with them: their social-care episode (with its
        LOOKED_AFTER legal status) covers the missing involvement, from
        months before to months after."""
        last = self.last_lead.get(person.pk)
        end = until or self.today
        if last is not None and last.start <= day and (last.end is None or last.end >= end):
            return
        start = day - dt.timedelta(days=self.rng.randint(30, 720))
        self._lead_practitioner(person, start, end + dt.timedelta(days=self.rng.randint(30, 540)))

    def _detached(self, day: dt.date) -> None:
        person = self._pick(day, 11, 21, Reason.DETACHED_CONTACT)
        if person is not None:
            self._episode(person, "detached", Reason.DETACHED_CONTACT, day, self.rng.randint(14, 120))

    def _lead_practitioner(self, person: Person, start: dt.date, until: dt.date | None) -> Episode:
        if until is not None and until >= self.today:
            until = None
        last = self.last_lead.get(person.pk)
        if last is not None and (last.end is None or last.end >= start):
            # Still open to social care: the same case carries on.
            if last.end is not None and (until is None or until > last.end):
                last.end = until
                if until is None:
                    last.closure = ""
            last.start = min(last.start, start)
            self.busy_until[(person.pk, Reason.LEAD_PRACTITIONER)] = last.end or dt.date.max
            return last
        status = Status.LOOKED_AFTER if person.family < 0 else self._weighted({"cin": 55, "cp": 28, "looked_after": 17})
        episode = Episode(
            person=person,
            team=SOCIAL_CARE_TEAM[self.county.area(person.locality)],
            reason=Reason.LEAD_PRACTITIONER,
            start=start,
            end=until,
            closure=self._weighted(CLOSURES[Reason.LEAD_PRACTITIONER]) if until else "",
            legal_status=status,
        )
        self.episodes.append(episode)
        self.last_lead[person.pk] = episode
        self.busy_until[(person.pk, Reason.LEAD_PRACTITIONER)] = until or dt.date.max
        return episode

    # Helpers ---------------------------------------------------------------

    def _episode(self, person: Person, team: str, reason: str, day: dt.date, days: int) -> Episode:
        end: dt.date | None = day + dt.timedelta(days=days)
        if end >= self.today:  # type: ignore[operator]
            end = None
        episode = Episode(
            person=person,
            team=team,
            reason=reason,
            start=day,
            end=end,
            closure=self._weighted(CLOSURES[reason]) if end else "",
        )
        self.episodes.append(episode)
        self.busy_until[(person.pk, reason)] = end or dt.date.max
        return episode

    def _pick(
        self, day: dt.date, youngest: int, oldest: int, reason: str, pool: list[Person] | None = None
    ) -> Person | None:
        """Someone aged youngest-oldest on `day` who has no open work of this kind."""
        people, born = (self.everyone, self.everyone_born) if pool is None else (pool, self.missing_prone_born)
        low = bisect.bisect_right(born, (day - dt.timedelta(days=int((oldest + 1) * YEAR))).toordinal())
        high = bisect.bisect_right(born, (day - dt.timedelta(days=int(youngest * YEAR))).toordinal())
        if high <= low:
            return None
        for _ in range(12):
            person = people[self.rng.randrange(low, high)]
            if self.busy_until.get((person.pk, reason), dt.date.min) < day:
                return person
        return None

    def _day(self, first_day: dt.date) -> dt.date:
        day = first_day + dt.timedelta(days=self.rng.randint(0, 29))
        return min(day, self.today - dt.timedelta(days=1))

    def _count(self, mean: float) -> int:
        """About `mean` this month: varies by a fifth, rounded at random so small rates still happen."""
        value = mean * self.rng.uniform(0.8, 1.2)
        whole = int(value)
        return whole + (1 if self.rng.random() < value - whole else 0)

    def _weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]
