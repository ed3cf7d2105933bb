"""The county's map and its services: localities, the organisations that
work with young people, and their teams. Small reference data, made with
get_or_create so that a county re-seeded over existing lists reuses them."""

import random
from dataclasses import dataclass, field

from lantern.accounts.models import Organisation, Team
from lantern.core.models import Locality

from . import places
from .scales import Scale

Kind = Organisation.Kind

# key: (organisation key, team name)
TEAMS: dict[str, tuple[str, str]] = {
    "tyss_north": ("youth_support", "TYSS North"),
    "tyss_south": ("youth_support", "TYSS South"),
    "missing": ("youth_support", "Missing Team"),
    "detached": ("youth_support", "Detached Team"),
    "sc_east": ("council", "Social Care Locality East"),
    "sc_west": ("council", "Social Care Locality West"),
    "art": ("council", "Adolescent Risk Team"),
    "performance": ("council", "Performance and Intelligence"),
    "governance": ("council", "Information Governance"),
    "systems": ("council", "Lantern Systems"),
    "mace": ("police", "MACE"),
    "missing_unit": ("police", "Missing Persons Unit"),
    "camhs": ("health", "CAMHS Adolescent Team"),
    "school_nursing": ("health", "School Nursing"),
    "yjs": ("yjs", "Youth Justice Service"),
    "harbour": ("harbour", "Young Women's Project"),
    "safe_streets": ("safe_streets", "Schools Exploitation Project"),
}

# Teams that take call-in cases in each half of the county.
CALL_IN_TEAM = {"north": "tyss_north", "south": "tyss_south"}
SOCIAL_CARE_TEAM = {"north": "sc_east", "south": "sc_west"}


@dataclass
class School:
    organisation: Organisation
    establishment: int
    locality: int
    phase: str  # "primary", "secondary", "college", "alternative"


@dataclass
class County:
    name: str
    localities: list[Locality]
    organisations: dict[str, Organisation]
    teams: dict[str, Team]
    schools: list[School] = field(default_factory=list)

    def area(self, locality: int) -> str:
        """North and east share a half of the county, south and west the other."""
        return "north" if locality < len(self.localities) / 2 else "south"

    def schools_for(self, locality: int, phase: str) -> list[School]:
        return [s for s in self.schools if s.locality == locality and s.phase == phase]


def build_county(rng: random.Random, scale: Scale) -> County:
    name = places.county_name(rng)
    towns = places.town_names(rng, min(scale.localities + scale.schools, 200))
    localities = [Locality.objects.get_or_create(name=town)[0] for town in towns[: scale.localities]]
    organisations = {
        "council": _organisation(f"{name} County Council Children's Services", Kind.CHILDRENS_SERVICES),
        "youth_support": _organisation(f"{name} Targeted Youth Support Service", Kind.YOUTH_SUPPORT),
        "police": _organisation(f"{name} Constabulary", Kind.POLICE),
        "health": _organisation(f"{name} Community Health Trust", Kind.HEALTH),
        "yjs": _organisation(f"{name} Youth Justice Service", Kind.YOUTH_OFFENDING),
        "harbour": _organisation("Harbour Lights Trust", Kind.CHARITY),
        "safe_streets": _organisation("Safe Streets Youth Partnership", Kind.CHARITY),
    }
    teams = {}
    for key, (organisation_key, team_name) in TEAMS.items():
        teams[key], _ = Team.objects.get_or_create(organisation=organisations[organisation_key], name=team_name)
    county = County(name=name, localities=localities, organisations=organisations, teams=teams)
    county.schools = _schools(rng, scale, towns, len(localities))
    return county


def _organisation(name: str, kind: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    return organisation


def _schools(rng: random.Random, scale: Scale, towns: list[str], localities: int) -> list[School]:
    # About half secondaries; the rest primaries, colleges and alternative provision.
    shapes = [
        ("secondary", "{town} Academy"),
        ("secondary", "{town} High School"),
        ("primary", "{town} Primary School"),
        ("secondary", "St {saint}'s Church of England Academy, {town}"),
        ("college", "{town} College"),
        ("primary", "{town} Junior School"),
        ("alternative", "{town} Short Stay School"),
        ("secondary", "{town} Community School"),
    ]
    saints = ["Aidan", "Bede", "Edmund", "Hilda", "Cuthbert", "Felix", "Botolph", "Chad", "Wilfrid", "Etheldreda"]
    schools = []
    names: set[str] = set()
    for index in range(scale.schools):
        locality = index % localities
        phase, pattern = shapes[index % len(shapes)]
        attempt = index
        while True:
            town = towns[attempt % len(towns)]
            name = pattern.format(town=town, saint=rng.choice(saints))
            if name not in names:
                break
            attempt += 1
        names.add(name)
        organisation = _organisation(name, Kind.SCHOOL)
        schools.append(School(organisation, establishment=4000 + index, locality=locality, phase=phase))
    return schools
