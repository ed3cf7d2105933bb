"""Years of work with the county's young people, month by month, at the
rates in the service designs: call-in cases (each with the social worker
who called TYSS in), missing episodes, detached contacts and other
social-care cases. Episodes are planned in memory first; staff.py then
allocates workers and writes them."""

import bisect
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from lantern.cases.models import Involvement
from lantern.people.models import LegalStatus

from . import scales
from .organisations import CALL_IN_TEAM, SOCIAL_CARE_TEAM, County
from .population import Person
from .scales import Scale

Reason = Involvement.Reason
Status = LegalStatus.Status
YEAR = 365.25

CLOSURES: dict[str, dict[str, int]] = {
    Reason.CALL_IN: {
        "Plan outcomes achieved: risk reduced": 40,
        "Young person disengaged after repeated attempts": 15,
        "Stepped down to early help": 15,
        "Social care case closed; enduring worker support ended": 12,
        "Moved out of the county": 8,
        "Turned 18: transition to adult services": 10,
    },
    Reason.MISSING_EPISODE: {
        "Return home interview completed": 70,
        "Return home interview offered and declined": 20,
        "Could not be contacted within 72 hours": 10,
    },
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

    def build(self) -> list[Episode]:
        factor = self.scale.rate_factor
        months = self.scale.years * 12
        for month in range(months):
            first_day = self.start + dt.timedelta(days=int(month * YEAR / 12))
            for _ in range(self._count(scales.CALL_IN_REQUESTS_PER_MONTH * scales.CALL_IN_ACCEPTANCE * factor)):
                self._call_in(self._day(first_day))
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
        return self.episodes

    # Kinds of work -----------------------------------------------------------

    def _call_in(self, day: dt.date) -> None:
        person = self._pick(day, 10, 17, Reason.CALL_IN)
        if person is None:
            return
        area = self.county.area(person.locality)
        team = "art" if self.rng.random() < 0.12 else CALL_IN_TEAM[area]
        episode = self._episode(person, team, Reason.CALL_IN, day, self.rng.randint(45, 200))
        # The social worker stays lead practitioner, from before the call-in until after it.
        lead_from = day - dt.timedelta(days=self.rng.randint(20, 180))
        lead_until = episode.end + dt.timedelta(days=self.rng.randint(0, 90)) if episode.end else None
        self._lead_practitioner(person, lead_from, lead_until)

    def _missing(self, day: dt.date) -> None:
        for _ in range(12):
            person = self._pick(day, 10, 17, Reason.MISSING_EPISODE, pool=self.missing_prone)
            if person is not None and self.rng.random() < person.missing_prone / 5:
                self._episode(person, "missing", Reason.MISSING_EPISODE, day, self.rng.randint(2, 21))
                return

    def _detached(self, day: dt.date) -> None:
        person = self._pick(day, 11, 21, Reason.DETACHED_CONTACT)
        if person is not None:
            self._episode(person, "detached", Reason.DETACHED_CONTACT, day, self.rng.randint(14, 120))

    def _lead_practitioner(self, person: Person, start: dt.date, until: dt.date | None) -> None:
        if until is not None and until >= self.today:
            until = None
        last = self.last_lead.get(person.pk)
        if last is not None and (last.end is None or last.end >= start):
            # Still open to social care: the same case carries on.
            if last.end is not None and (until is None or until > last.end):
                last.end = until
            return
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
