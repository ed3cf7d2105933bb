"""`generate()`: the whole synthetic county, in one transaction.

The rows are written with bulk_create, not through the services, on
purpose: a region is 200,000 young people and a million rows, which the
services (one full_clean, one save and one audit event per row) would take
hours to write. The generator keeps the services' invariants itself, and
no audit events are written for it: nobody viewed or changed a real
record. See docs/decisions/0004-seed-bypasses-services.md.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from lantern.accounts.models import User
from lantern.demo.models import SeedRun
from lantern.people.models import YoungPerson

from .casework import Casework
from .history import HistoryBuilder
from .identifiers import IdentifierMaker
from .missing import MissingSeed
from .organisations import build_county
from .population import PopulationBuilder
from .scales import SCALES
from .staff import DEMO_PASSWORD, DEMO_USERS, Staffing


class SeedRefused(Exception):
    """The database is not one the generator may write to."""


@dataclass
class SeedResult:
    scale: str
    seed: int
    county: str
    counts: dict[str, int]
    timings: list[tuple[str, float]] = field(default_factory=list)
    sign_ins: list[tuple[str, str, str, str]] = field(default_factory=list)  # username, password, role, team
    elapsed: float = 0.0


def check_database_is_safe() -> None:
    """Refuse a database with real young people, or demo usernames taken by real users."""
    if YoungPerson.objects.exists() and not SeedRun.objects.exists():
        raise SeedRefused(
            "This database already holds young people and was not made by `lantern seed`: "
            "it may hold real people. Seed an empty database instead."
        )
    if SeedRun.objects.exists():
        raise SeedRefused("This database has already been seeded. Use --if-empty, or seed a fresh database.")
    taken = list(User.objects.filter(username__in=[d.username for d in DEMO_USERS]).values_list("username", flat=True))
    if taken:
        raise SeedRefused(
            f"Users with demo usernames already exist ({', '.join(sorted(taken))}): seed an empty database."
        )


@transaction.atomic
def generate(scale_name: str, seed: int, progress: Callable[[str], None] = lambda message: None) -> SeedResult:
    scale = SCALES[scale_name]
    check_database_is_safe()
    started = time.perf_counter()
    result = SeedResult(scale=scale_name, seed=seed, county="", counts={})

    def phase(name: str, since: float) -> float:
        now = time.perf_counter()
        result.timings.append((name, now - since))
        progress(f"{name}: {now - since:.1f}s")
        return now

    seed_run = SeedRun.objects.create(scale=scale_name, seed=seed)
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    today = timezone.localdate()

    county = build_county(rng, scale)
    result.county = county.name
    mark = phase("Localities, organisations and teams", started)

    identifiers = IdentifierMaker(rng)
    people = PopulationBuilder(
        rng=rng, fake=fake, county=county, identifiers=identifiers, today=today, progress=progress
    ).build(scale.young_people)
    mark = phase("Young people, families and households", mark)

    history = HistoryBuilder(rng=rng, county=county, people=people, scale=scale, today=today, progress=progress)
    episodes = history.build()
    staffing = Staffing(rng=rng, fake=fake, county=county, today=today)
    staffing.create_users(episodes)
    staffing.allocate(episodes)
    staffing.write_involvements(episodes)
    mark = phase("Staff, involvements and legal statuses", mark)
    casework = Casework(rng=rng, county=county, staffing=staffing, people=people, today=today, progress=progress)
    call_in_counts = casework.build(history.requests)
    mark = phase("Call-in requests and casework", mark)
    missing = MissingSeed(
        rng=rng,
        fake=fake,
        county=county,
        staffing=staffing,
        people=people,
        identifiers=identifiers,
        today=today,
        progress=progress,
    )
    missing_counts = missing.build()
    mark = phase("Placements, missing episodes and Return Home Interviews", mark)
    shares, restrictions = staffing.write_shares_and_restrictions(episodes, len(people))

    result.counts = {
        "young people": len(people),
        "involvements": len(episodes) + casework.counts.get("involvements", 0),
        "open involvements": sum(1 for e in episodes if e.end is None) + casework.open_screening_involvements,
        **call_in_counts,
        **missing_counts,
        "shares": shares,
        "restrictions": restrictions,
    }
    for demo in DEMO_USERS:
        result.sign_ins.append((demo.username, DEMO_PASSWORD, demo.role.label, county.teams[demo.team].name))

    seed_run.young_people = len(people)
    seed_run.finished_at = timezone.now()
    seed_run.save(update_fields=["young_people", "finished_at"])
    result.elapsed = time.perf_counter() - started
    return result
