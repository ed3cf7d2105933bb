"""Missing from home or care in the synthetic county: the looked-after
children's placements, the missing episodes behind the missing team's
involvements, their Return Home Interviews with what the young people said,
the police's daily notification files and the Philomena Protocol profiles.

Written with bulk_create like the rest of the county (docs/decisions/0004),
keeping the missing services' rules here:

- a looked-after period (LegalStatus LOOKED_AFTER) is a run of contiguous
  placements with SSDA903 codes, the first with reason S, each next one
  starting the day the last ended (X1), at most one current; a period ends
  the day before the 18th birthday, when the young person becomes a care
  leaver; looked-after children have a council person ID;
- each of the missing team's involvements holds its episodes: the first
  began before the involvement opened, the last interview ended the work
  when the involvement closed, and an open involvement still has an episode
  open or an interview to hold;
- one young person's episodes never overlap and are numbered in start order;
  an episode of a looked-after child that starts in a looked-after period
  names the placement current at its start and ends within the period (the
  SSDA903 validator's rules 574-581);
- each returned episode is covered by an interview, due 72 hours after the
  earliest return it covers (one interview for a burst of episodes), or says
  why none is owed; interviewers are the missing team's practitioners, never
  the young person's social worker; unable-to-contact follows the settings'
  number of attempts; the clock's notices are stamped as sent wherever the
  clock ran out, so that the background task does not mail about history;
- the police's files are in the documented CSV format (docs: the police
  missing-notifications CSV) and list the episodes they created.

Mentions of places and people come from pools shared across the county, so
that the same places and street names recur across young people.
"""

import csv
import datetime as dt
import hashlib
import io
import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from faker import Faker

from lantern.cases.models import Involvement
from lantern.missing.models import (
    ContactAttempt,
    DeclinedBy,
    EpisodeKind,
    HowReturned,
    InformationShare,
    InterviewFactor,
    InterviewMention,
    MissingEpisode,
    MissingSettings,
    NoInterviewReason,
    NotOfferedReason,
    OfferMethod,
    PhilomenaProfile,
    PoliceImport,
    PoliceRisk,
    PullFactor,
    PushFactor,
    ReportedBy,
    ReturnHomeInterview,
)
from lantern.missing.services import mention_key, screening_indicator_ids
from lantern.people.models import LegalStatus, Placement, YoungPerson

from . import places
from .casework import recorded_times
from .history import MISSING_CLOSURES
from .identifiers import IdentifierMaker
from .organisations import County
from .population import BATCH_SIZE, STREET_NAMES, Person
from .staff import Staffing

LONDON = ZoneInfo("Europe/London")
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
Outcome = ReturnHomeInterview.Outcome
LS = Placement.LegalStatusCode
PT = Placement.PlacementType
RNE = Placement.ReasonNewEpisode
REC = Placement.ReasonEnded

# The police send a file each morning; the county holds the last four weeks'.
IMPORT_DAYS = 28
# A Philomena profile is reviewed at least every three months.
PROFILE_REVIEW_DAYS = 90
# Of the interviews offered, the share offered within the 72 hours: with the
# ones never offered, about 65% of all interviews are offered in time (the
# English average is about 63%).
OFFERED_IN_TIME = 0.72
# How likely the missing team's work is a burst of episodes (a weekend of
# going missing) or a second spell after the interview, by missing-proneness.
BURST_BASE, BURST_PER_PRONE, BURST_LOOKED_AFTER = 0.003, 0.003, 0.008
REPEAT_PER_PRONE, REPEAT_LOOKED_AFTER = 0.004, 0.02

# Relative likelihood by local hour: when young people leave (evenings and
# nights), when the missing team works, when interviews are held.
LEAVING_HOURS = [6, 4, 3, 2, 1, 1, 1, 2, 3, 2, 2, 2, 2, 2, 3, 5, 7, 9, 10, 11, 11, 10, 9, 8]
WORKING_HOURS = [0] * 8 + [4, 8, 8, 8, 6, 7, 8, 8, 7, 5, 3, 1] + [0] * 4
VISIT_HOURS = [0] * 9 + [3, 5, 6, 6, 5, 6, 8, 9, 8, 6, 4, 2] + [0] * 3

# How long episodes last, in minutes (ranges and weights): most return within
# 24 hours, with a tail of several days; absences are shorter.
MISSING_MINUTES = {(60, 480): 45, (480, 1440): 30, (1440, 4320): 17, (4320, 10080): 8}
ABSENT_MINUTES = {(30, 360): 70, (360, 1200): 25, (1200, 2880): 5}
BURST_SIZES = {2: 55, 3: 32, 4: 13}

REPORTED_BY_IN_CARE = {ReportedBy.PLACEMENT: 70, ReportedBy.POLICE: 12, ReportedBy.SCHOOL: 10, ReportedBy.CARER: 5}
REPORTED_BY_IN_CARE |= {ReportedBy.OTHER: 3}
REPORTED_BY_AT_HOME = {ReportedBy.PARENT: 65, ReportedBy.CARER: 10, ReportedBy.SCHOOL: 12, ReportedBy.POLICE: 10}
REPORTED_BY_AT_HOME |= {ReportedBy.OTHER: 3}
RISKS = {PoliceRisk.MEDIUM: 63, PoliceRisk.LOW: 25, PoliceRisk.HIGH: 12}
HOW_RETURNED = {
    HowReturned.RETURNED_SELF: 45,
    HowReturned.FOUND_BY_POLICE: 15,
    HowReturned.RETURNED_BY_POLICE: 15,
    HowReturned.COLLECTED_BY_FAMILY: 12,
    HowReturned.FOUND_BY_OTHER: 8,
    HowReturned.OTHER: 5,
}
HOW_RETURNED_ABSENT = {HowReturned.RETURNED_SELF: 70, HowReturned.COLLECTED_BY_FAMILY: 20, HowReturned.OTHER: 10}
FOUND_WITH = [
    "Alone",
    "Alone",
    "With friends from school",
    "With two other young people from {town}",
    "With a boyfriend or girlfriend",
    "With {person}",
    "With older young people, one known as {person}",
    "With an adult male not known to the family",
    "With their birth mother",
    "With another young person from the placement",
]
OFFER_METHODS = {OfferMethod.IN_PERSON: 60, OfferMethod.PHONE: 35, OfferMethod.VIDEO: 5}
ATTEMPT_METHODS = {
    ContactAttempt.Method.PHONE: 40,
    ContactAttempt.Method.TEXT: 25,
    ContactAttempt.Method.VISIT: 20,
    ContactAttempt.Method.THROUGH_CARER: 12,
    ContactAttempt.Method.LETTER: 3,
}
ATTEMPT_NOTES: dict[str, list[str]] = {
    ContactAttempt.Method.PHONE: ["No answer; left a voicemail.", "Phone switched off.", "Answered but hung up."],
    ContactAttempt.Method.TEXT: ["Text sent offering a time; no reply.", "Texted twice; messages delivered, no reply."],
    ContactAttempt.Method.VISIT: ["Visited: no one in; left a card.", "Visited; {name} was out with friends."],
    ContactAttempt.Method.THROUGH_CARER: ["The carer passed on the message; {name} said not today."],
    ContactAttempt.Method.LETTER: ["Letter sent offering a meeting at the youth centre."],
}
NOT_OFFERED = {
    NotOfferedReason.ANOTHER_AUTHORITY: 35,
    NotOfferedReason.IN_CUSTODY: 15,
    NotOfferedReason.IN_HOSPITAL: 15,
    NotOfferedReason.SOCIAL_WORKER_ADVISED: 20,
    NotOfferedReason.OTHER: 15,
}
NOT_OFFERED_DETAIL = {
    NotOfferedReason.SOCIAL_WORKER_ADVISED: [
        "The social worker asked us to wait until after the court hearing this week.",
        "A police investigation is under way; the social worker advised no contact about the episode for now.",
    ],
    NotOfferedReason.OTHER: [
        "{name} was moved to an emergency placement out of the county the day after returning.",
        "{name} is being seen daily by the youth justice worker, who talked the episode through instead.",
    ],
}
NO_INTERVIEW = {
    NoInterviewReason.ANOTHER_AUTHORITY: 35,
    NoInterviewReason.IN_CUSTODY: 20,
    NoInterviewReason.IN_HOSPITAL: 10,
    NoInterviewReason.MOVED_AWAY: 15,
    NoInterviewReason.OTHER: 20,
}
NO_INTERVIEW_DETAIL = [
    "Returned straight into a secure welfare placement; the home's own staff followed up.",
    "The episode was followed up within the child protection enquiry already under way.",
]
DECLINED_BY = {DeclinedBy.YOUNG_PERSON: 78, DeclinedBy.PARENT_CARER: 22}
CARER_VIEWS = [
    "The foster carer thinks {name} went to see friends in {town}; it happens when contact with mum is cancelled.",
    "Mum said {name} was at a boyfriend's house and she is worried about how old he is.",
    "The residential worker said {name} was picked up by a car at the end of the road; they gave the "
    "registration to the police.",
    "Dad said it was a one-off after an argument and that the family will sort it out themselves.",
    "The carer said {name} came back tired and hungry and went straight to bed; {name} would not say where "
    "they had been.",
    "Nan said {name} has been staying out more since starting at college and is mixing with older lads.",
]

PUSH_IN_CARE = {
    PushFactor.PLACEMENT_UNHAPPY: 24,
    PushFactor.RULES_BOUNDARIES: 18,
    PushFactor.CONFLICT_AT_HOME: 14,
    PushFactor.PLACEMENT_MOVE: 9,
    PushFactor.MENTAL_HEALTH: 10,
    PushFactor.BOREDOM: 10,
    PushFactor.SCHOOL_PROBLEMS: 7,
    PushFactor.BEREAVEMENT_LOSS: 5,
    PushFactor.BULLYING: 3,
    PushFactor.FEAR: 4,
    PushFactor.OTHER: 2,
}
PUSH_AT_HOME = {
    PushFactor.CONFLICT_AT_HOME: 30,
    PushFactor.RULES_BOUNDARIES: 18,
    PushFactor.SCHOOL_PROBLEMS: 10,
    PushFactor.MENTAL_HEALTH: 10,
    PushFactor.BOREDOM: 10,
    PushFactor.DOMESTIC_ABUSE: 5,
    PushFactor.SUBSTANCE_USE_HOME: 4,
    PushFactor.ABUSE_NEGLECT: 3,
    PushFactor.BULLYING: 6,
    PushFactor.BEREAVEMENT_LOSS: 5,
    PushFactor.FEAR: 6,
    PushFactor.OTHER: 2,
}
PULL = {
    PullFactor.FRIENDS: 35,
    PullFactor.OLDER_PEERS: 18,
    PullFactor.BOYFRIEND_GIRLFRIEND: 15,
    PullFactor.FAMILY: 12,
    PullFactor.DRUGS_ALCOHOL: 12,
    PullFactor.PARTIES: 10,
    PullFactor.FREEDOM: 10,
    PullFactor.ADULT_OF_CONCERN: 7,
    PullFactor.MONEY_GIFTS: 6,
    PullFactor.DRUG_SUPPLY: 6,
    PullFactor.ONLINE_CONTACT: 5,
    PullFactor.DEBT: 3,
    PullFactor.OTHER: 2,
}
# The screening tool's indicators each pull factor tends to show as.
PULL_INDICATORS: dict[str, list[str]] = {
    PullFactor.DRUG_SUPPLY: [
        "several_phones", "found_with_drugs_or_cash", "found_out_of_area", "debt_to_others", "unexplained_money",
    ],
    PullFactor.ADULT_OF_CONCERN: [
        "adult_of_concern", "collected_by_vehicles", "older_associates", "sexual_exploitation",
    ],
    PullFactor.OLDER_PEERS: ["older_associates", "peers_exploited"],
    PullFactor.MONEY_GIFTS: ["unexplained_money", "several_phones"],
    PullFactor.DEBT: ["debt_to_others"],
    PullFactor.DRUGS_ALCOHOL: ["substance_use", "substance_use_escalating"],
    PullFactor.ONLINE_CONTACT: ["online_strangers", "sexual_images_pressure"],
    PullFactor.PARTIES: ["substance_use", "late_returns"],
}  # fmt: skip
EXPLOITATION_PULLS = {PullFactor.DRUG_SUPPLY, PullFactor.ADULT_OF_CONCERN, PullFactor.DEBT, PullFactor.MONEY_GIFTS}

PUSH_WORDS: dict[str, str] = {
    PushFactor.CONFLICT_AT_HOME: "{name} had a row about coming in late and walked out.",
    PushFactor.RULES_BOUNDARIES: "{name} said the rules are stricter than friends' and felt treated like a child.",
    PushFactor.PLACEMENT_UNHAPPY: "{name} does not get on with another young person at the placement.",
    PushFactor.PLACEMENT_MOVE: "{name} was told last week about a planned move and is angry about it.",
    PushFactor.DOMESTIC_ABUSE: "There was shouting and a door broken at home the night {name} left.",
    PushFactor.ABUSE_NEGLECT: "{name} said there is often no food in the house at weekends.",
    PushFactor.BULLYING: "{name} is being messaged by a group from school and did not want to be at home online.",
    PushFactor.SCHOOL_PROBLEMS: "{name} is on a reduced timetable and has nothing to do in the afternoons.",
    PushFactor.MENTAL_HEALTH: "{name} said they felt low and needed to get away from everyone.",
    PushFactor.BEREAVEMENT_LOSS: "It was the anniversary of {name}'s grandad's death.",
    PushFactor.SUBSTANCE_USE_HOME: "Mum's partner had been drinking all day.",
    PushFactor.BOREDOM: "{name} said there is nothing to do where they live.",
    PushFactor.FEAR: "{name} was worried about getting into trouble over a fight at school.",
    PushFactor.OTHER: "{name} could not say why they left.",
}  # fmt: skip
PULL_WORDS: dict[str, str] = {
    PullFactor.FRIENDS: "{name} wanted to be with friends at {place}.",
    PullFactor.BOYFRIEND_GIRLFRIEND: "{name} went to see a boyfriend or girlfriend in {town}.",
    PullFactor.FAMILY: "{name} wanted to see their mum and younger brothers.",
    PullFactor.OLDER_PEERS: "{name} has been spending time with older lads who hang around {place}.",
    PullFactor.ADULT_OF_CONCERN: "{name} talked about an older man, {person}, who buys them food and vapes.",
    PullFactor.DRUGS_ALCOHOL: "{name} said they go to {place} to drink and smoke weed.",
    PullFactor.MONEY_GIFTS: "{name} came back with new trainers and would not say who paid for them.",
    PullFactor.DEBT: "{name} said they owe {person} money for a phone that was taken off them.",
    PullFactor.DRUG_SUPPLY: "{name} was found in {town} with two phones and cash, and said they were 'helping a mate'.",
    PullFactor.PARTIES: "There was a party at a house near {place}.",
    PullFactor.ONLINE_CONTACT: "{name} met someone on Snapchat and went to meet them.",
    PullFactor.FREEDOM: "{name} said being out at night feels exciting and nobody tells them what to do.",
    PullFactor.OTHER: "{name} said they just wanted to be somewhere else.",
}  # fmt: skip
WHERE_WENT = [
    "{name} said they went to {place} and then on to a friend's house in {town}.",
    "Went into {town} with friends, then to {place}; stayed out because they did not want to come back.",
    "{name} stayed at a friend's flat near {place} and would not give the address.",
    "Caught the bus to {town} and spent the evening at {place}.",
    "Went to a party at a house near {place}; {name} did not know whose house it was.",
    "{name} walked around {town} most of the night and slept for a few hours at {place}.",
    "Was picked up in a car near {place} and driven to {town}; vague about where they went after that.",
]
WHO_WITH = [
    "Friends from school; {name} gave first names only.",
    "{person} and two others {name} knows from {town}.",
    "Alone for most of the time.",
    "Older young people {name} met recently, including one called {person}.",
    "A man {name} knows as {person}; {name} said he is 'just a mate'.",
    "Their older brother and his friends.",
]
WHAT_HAPPENED = [
    "They hung around, went to the shop and then to someone's house. {name} said nothing bad happened.",
    "{name} said they were drinking and do not remember all of the night.",
    "They were stopped by the police in {town} and given a lift back.",
    "{name} spent the night on a friend's sofa and came back when their phone ran out of charge.",
    "{name} said they were asked to take a bag to an address in {town} and were given £20.",
    "They went to {place}, then to a flat where there were adults {name} did not know.",
]
HARM = [
    "{name} had a cut to their hand and said they fell over a wall.",
    "{name} said an older boy pushed and hit them at {place}.",
    "{name} was given alcohol and was sick; no medical attention was needed.",
    "{name} said they were threatened with a knife by someone they owe money to.",
]
WHAT_WOULD_HELP = [
    "More time with their key worker, one to one.",
    "Being allowed to stay out until 9pm at weekends.",
    "Seeing their mum more often.",
    "Help to get back into college.",
    "Somewhere to go in the evenings: {name} would like to try the youth club on Thursdays.",
    "Someone to talk to who is not a social worker.",
    "A phone that works so they can check in.",
]
OWN_WORDS = [
    '"I just needed to get out of there for a bit."',
    '"Nobody listens to me at the house."',
    '"I was with my mates. I was safe."',
    "\"I don't want to talk about it. I'm back now.\"",
    '"They said I owe them. I didn\'t know what to do."',
    "\"I'd rather be at my mum's, even if it's rubbish there.\"",
    "\"It's boring. There's nothing to do round here.\"",
]
ACTIONS = [
    "Shared with the social worker; the safety plan is to be reviewed at the next visit.",
    "Referral to the Schools Exploitation Project.",
    "Information about {place} passed to the police missing persons coordinator.",
    "Agreed a check-in text with the carer when {name} is out after 9pm.",
    "CAMHS referral discussed; {name} will think about it.",
    "{place} flagged for the next MACE meeting.",
    "Exploitation screening to be updated by the lead practitioner.",
]
DISCLOSURES = [
    "{name} said an older male known as {person} gives them money to carry packages to {town}.",
    "{name} said they were taken to a flat in {town} where adults were drinking and someone took photos of them.",
    "{name} said {person} has told them they owe him money for a phone and must 'work it off'.",
    "{name} said they were made to hold a knife for someone at {place}.",
]
SAFEGUARDING = [
    "Discussed with the designated safeguarding lead the same day; police and social worker informed; strategy "
    "discussion requested.",
    "Referred to the front door (MASH) the same day and shared with the police; the social worker is holding a "
    "strategy meeting.",
]
SHARE_DETAIL: dict[str, str] = {
    InformationShare.SharedWith.SOCIAL_WORKER: "Interview summary e-mailed to the social worker",
    InformationShare.SharedWith.POLICE: "Intelligence form submitted about {place}",
    InformationShare.SharedWith.CARER: "Talked the safety plan through with the carer",
    InformationShare.SharedWith.SCHOOL: "Told the designated safeguarding lead at school",
    InformationShare.SharedWith.YOUTH_JUSTICE: "Shared with the youth justice worker",
    InformationShare.SharedWith.HEALTH: "Shared with the school nurse",
}

# The county's places that young people are found at and talk about.
LOCAL_PLACES = [
    ("{town} bus station", "{town} town centre"),
    ("The Rec, {town}", "Recreation ground off {street}"),
    ("McDonald's, {town} Retail Park", "{town} Retail Park"),
    ("The underpass by {town} station", "{town} railway station"),
    ("{town} skate park", "{street}"),
    ("The chip shop on {town} High Street", "{town} High Street"),
    ("The garages behind {street}", "{street}, {town}"),
    ("{town} Leisure Centre car park", "{street}, {town}"),
]
HOTSPOTS = [
    ("Flat {n}, {building} House, {town}", "An address of concern: adults reported to host young people"),
    ("{n} {surname} Road, {town}", "A house where parties are held"),
    ("The Travelodge, {town}", "Hotel by the bypass"),
    ("{town} industrial estate car park", "Cars meet there at night"),
    ("The woods behind {town} cemetery", "Young people gather there to drink"),
]
BUILDINGS = ["Beacon", "Kestrel", "Orchard", "Priory", "Millbrook", "Granary", "Victoria", "Harbour"]
CARS = ["black Audi", "grey BMW", "white Mercedes", "silver Golf", "blue Transit van", "red Corsa"]
COLOURS = ["black", "grey", "red", "white", "navy", "green"]
HAIR = ["short brown", "long dark brown", "shoulder-length blonde", "black, braided", "ginger, cropped", "dyed red"]
EYES = ["brown", "blue", "green", "hazel"]
BUILDS = ["slim", "medium", "stocky", "tall and thin"]
MARKS = [
    "a small scar above the left eyebrow",
    "pierced ears and nose",
    "a tattoo of a star on the left wrist",
    "freckles",
    "a birthmark on the right side of the neck",
    "no distinguishing marks",
]
CLOTHES = [
    "usually wears a black puffer jacket and grey joggers",
    "usually wears a hoodie with the hood up and white trainers",
    "often in a {colour} tracksuit and a cross-body bag",
    "usually wears a long {colour} coat and black jeans",
]
HEALTH = [
    "None known.",
    "None known.",
    "Asthma: carries a blue inhaler; can become breathless when stressed.",
    "ADHD: takes methylphenidate each morning; more impulsive without it.",
    "Type 1 diabetes: needs insulin with meals; at risk of a hypo if missing for long.",
    "Epilepsy: takes medication twice a day; a seizure is more likely without it.",
    "Self-harms when distressed; may have cuts to the forearms.",
]
HOME_NAMES = ["Willow", "Oakfield", "Beacon", "Hawthorn", "Meadow", "Riverside", "Linden", "Cedar", "Foxglove", "Rowan"]
HOME_KINDS = ["House", "Lodge", "View", "Court"]
SUPPORTED_NAMES = ["{town} Foyer", "{name} Supported Lodgings", "{town} Young People's Housing", "{name} Court"]

FIRST_LEGAL_STATUS = {LS.C2: 33, LS.V2: 35, LS.C1: 18, LS.L1: 3, LS.L2: 3, LS.J1: 5, LS.E1: 1}
NEEDS = {"N1": 55, "N4": 14, "N5": 14, "N6": 6, "N8": 5, "N2": 3, "N3": 2, "N7": 1}
PLACEMENT_TYPES = {
    "child": {PT.U4: 30, PT.U6: 40, PT.U3: 20, PT.U1: 10},
    "teen": {PT.U4: 25, PT.U6: 30, PT.U3: 10, PT.K2: 35},
    "older": {PT.U4: 15, PT.U6: 15, PT.U3: 5, PT.K2: 30, PT.H5: 35},
}
PROVIDERS = {
    PT.U4: {"PR1": 55, "PR4": 45},
    PT.U6: {"PR1": 55, "PR4": 45},
    PT.U1: {"PR1": 100},
    PT.U3: {"PR1": 100},
    PT.K2: {"PR4": 75, "PR1": 10, "PR5": 15},
    PT.H5: {"PR4": 60, "PR5": 40},
}
PLACE_CHANGE_REASONS = {
    "CARPL": 20, "PLACE": 20, "CREQB": 15, "CHILD": 15, "LAREQ": 10, "OTHER": 8, "STAND": 5, "CLOSE": 4, "ALLEG": 3,
}  # fmt: skip
CARE_ENDS = {REC.E4A: 32, REC.E4B: 10, REC.E41: 6, REC.E8: 14, REC.E3: 5, REC.E16: 1, "sgo": 6, "independent": 11}
CARE_ENDS |= {REC.E9: 3, REC.E13: 2}
CSV_COLUMNS = [
    "police_reference",
    "kind",
    "council_id",
    "nhs_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "address",
    "postcode",
    "missing_from",
    "reported_at",
    "returned_at",
    "risk_grading",
    "found_location",
]


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON)


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).astimezone(dt.UTC)


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def seed_moment(today: dt.date) -> dt.datetime:
    """ "Now" for the missing service's records: the start of today, so that
    the same seed makes the same rows all day. Nothing is recorded later."""
    return _at(today, 0)


def _csv_time(moment: dt.datetime | None) -> str:
    return _local(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


# ---------------------------------------------------------------------------
# What is planned in memory before it is written


@dataclass(slots=True)
class _Place:
    name: str
    detail: str
    out_of_area: bool = False


@dataclass(slots=True)
class _Contact:
    name: str
    detail: str


@dataclass(slots=True)
class _Period:
    """A looked-after period: the legal status's days, inclusive."""

    start: dt.date
    end: dt.date | None
    placements: list[Placement] = field(default_factory=list)

    def holds(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(slots=True)
class _Who:
    pk: int
    first_name: str
    last_name: str
    called: str
    date_of_birth: dt.date
    council_id: str | None
    nhs_number: str | None
    address: str
    town: str
    postcode: str
    locality: int
    in_placement: bool
    prone: int
    periods: list[_Period] = field(default_factory=list)
    haunts: list[_Place] = field(default_factory=list)
    associates: list[_Contact] = field(default_factory=list)
    social_workers: list[int] = field(default_factory=list)
    episodes: list["_Episode"] = field(default_factory=list)
    busy_until: dt.datetime | None = None  # when the missing team's last involvement closed

    def period_on(self, day: dt.date) -> _Period | None:
        for period in self.periods:
            if period.holds(day):
                return period
        return None


@dataclass(slots=True)
class _Involvement:
    pk: int
    who: _Who
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    closure: str
    worker_id: int | None
    new_opened_at: dt.datetime | None = None
    new_closed_at: dt.datetime | None = None


@dataclass(slots=True)
class _Interview:
    who: _Who
    involvement: _Involvement
    due_at: dt.datetime
    created_at: dt.datetime
    outcome: str = Outcome.PENDING
    assigned_to: int | None = None
    assigned_at: dt.datetime | None = None
    offered_at: dt.datetime | None = None
    offered_how: str = ""
    conducted_at: dt.datetime | None = None
    interviewer: int | None = None
    declined_by: str = ""
    carer_view: str = ""
    not_offered_reason: str = ""
    not_offered_detail: str = ""
    completed_at: dt.datetime | None = None
    attempts: list[tuple[dt.datetime, str]] = field(default_factory=list)
    episodes: list["_Episode"] = field(default_factory=list)
    row: ReturnHomeInterview | None = None

    @property
    def stopped_at(self) -> dt.datetime | None:
        """When the clock stopped: the offer, or the outcome of one never offered."""
        return self.offered_at or self.completed_at

    @property
    def last_moment(self) -> dt.datetime:
        moments = [self.created_at, self.assigned_at, self.offered_at, self.conducted_at, self.completed_at]
        moments += [at for at, _ in self.attempts]
        return max(m for m in moments if m is not None)


@dataclass(slots=True)
class _Episode:
    who: _Who
    involvement: _Involvement
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    reported_at: dt.datetime
    period: _Period | None
    created_at: dt.datetime
    interview: _Interview | None = None
    no_interview_reason: str = ""
    no_interview_detail: str = ""
    reported_by: str = ""
    police_reference: str = ""
    police_risk: str = ""
    found_where: str = ""
    found_with: str = ""
    how_returned: str = ""
    notified_council: bool = False
    notified_police: bool = False
    placement: Placement | None = None
    police_import: PoliceImport | None = None
    reminder_sent_at: dt.datetime | None = None
    overdue_alert_sent_at: dt.datetime | None = None
    number: int = 0
    police_file: dt.date | None = None  # the day of the police import that brought it in


class _NoRoom(Exception):
    """A drawn timeline does not fit its involvement: draw it again, tighter."""


# ---------------------------------------------------------------------------


class MissingSeed:
    def __init__(
        self,
        *,
        rng: random.Random,
        fake: Faker,
        county: County,
        staffing: Staffing,
        people: list[Person],
        identifiers: IdentifierMaker,
        today: dt.date,
        progress: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.rng = rng
        self.fake = fake
        self.county = county
        self.staffing = staffing
        self.people = {p.pk: p for p in people}
        self.ids = identifiers
        self.today = today
        self.progress = progress
        self.now = seed_moment(today)
        self.team = county.teams["missing"]
        self.practitioners = [u.pk for u in staffing.workers["missing"]]
        self.manager = staffing.managers["missing"].pk
        self.who: dict[int, _Who] = {}
        self.involvements: list[_Involvement] = []
        self.episodes: list[_Episode] = []
        self.interviews: list[_Interview] = []
        self.imports: list[PoliceImport] = []
        self.counts: dict[str, int] = {}

    # The whole missing service --------------------------------------------

    def build(self) -> dict[str, int]:
        settings, _ = MissingSettings.objects.get_or_create(pk=1)
        self.due = dt.timedelta(hours=settings.interview_due_hours)
        self.reminder_before_due = dt.timedelta(hours=settings.interview_due_hours - settings.reminder_after_hours)
        self.attempts_needed = settings.contact_attempts
        self.indicator_ids = sorted(screening_indicator_ids())
        self.police_files = self._police_files()
        self._pools()
        self._look_up()
        self._looked_after_periods()
        for who in sorted(self.who.values(), key=lambda w: w.pk):
            self._haunts(who)
        current = [i for i in self.involvements if i.closed_at is None]
        self.newest = max(current, key=lambda i: (i.opened_at, i.pk)).pk if current else None
        # And the latest long enough closed one is a weekend of going missing
        # three times, with one interview: every county shows one.
        long_enough = [
            i
            for i in self.involvements
            if i.closed_at
            and i.closed_at - i.opened_at > 5 * DAY
            and MISSING_CLOSURES.get(i.closure, ("completed", 0))[0] != "none"
        ]
        self.weekend = max(long_enough, key=lambda i: (i.opened_at, i.pk)).pk if long_enough else None
        by_person: dict[int, list[_Involvement]] = defaultdict(list)
        for involvement in self.involvements:
            by_person[involvement.who.pk].append(involvement)
        for pk in sorted(by_person):
            for involvement in by_person[pk]:
                self._involvement(involvement)
        self.progress(f"  {len(self.episodes):,} missing episodes planned")
        self._placements()
        self._number_and_refer()
        self._police_imports()
        self._clock_notices()
        self._write()
        profiles = self._profiles()
        year_ago = self.now - dt.timedelta(days=365)
        last_year = [e for e in self.episodes if e.started_at > year_ago]
        return {
            "placements": self.counts.get("placements", 0),
            "missing episodes": len(self.episodes),
            "missing episodes in the last year": len(last_year),
            "young people missing in the last year": len({e.who.pk for e in last_year}),
            "open missing episodes": sum(1 for e in self.episodes if e.ended_at is None),
            "return home interviews": len(self.interviews),
            "police imports": len(self.imports),
            "Philomena profiles": profiles,
        }

    # Looking up what the county already holds ----------------------------

    def _look_up(self) -> None:
        """The missing involvements, the young people in them or in care, and
        their social workers, in a few queries."""
        missing = Involvement.objects.filter(reason=Involvement.Reason.MISSING_EPISODE, team=self.team)
        looked_after = LegalStatus.objects.filter(status=LegalStatus.Status.LOOKED_AFTER)
        rows = (
            YoungPerson.objects.filter(
                Q(Exists(missing.filter(young_person=OuterRef("pk"))))
                | Q(Exists(looked_after.filter(young_person=OuterRef("pk"))))
            )
            .order_by("pk")
            .values_list(
                "pk",
                "first_name",
                "last_name",
                "preferred_name",
                "date_of_birth",
                "council_person_id",
                "nhs_number",
                "address_line_1",
                "town",
                "postcode",
            )
        )
        for pk, first, last, preferred, born, council_id, nhs, address, town, postcode in rows:
            person = self.people[pk]
            self.who[pk] = _Who(
                pk=pk,
                first_name=first,
                last_name=last,
                called=preferred or first,
                date_of_birth=born,
                council_id=council_id,
                nhs_number=nhs,
                address=address,
                town=town or self.county.localities[person.locality].name,
                postcode=postcode or places.postcode(self.rng, person.locality),
                locality=person.locality,
                in_placement=person.family < 0,
                prone=person.missing_prone,
            )
        for pk, young_person_id, opened_at, closed_at, closure, worker_id in missing.order_by(
            "young_person_id", "opened_at"
        ).values_list("pk", "young_person_id", "opened_at", "closed_at", "closure_reason", "worker_id"):
            self.involvements.append(
                _Involvement(
                    pk=pk,
                    who=self.who[young_person_id],
                    opened_at=opened_at,
                    closed_at=closed_at,
                    closure=closure,
                    worker_id=worker_id if worker_id in self.practitioners else None,
                )
            )
        social_care = Involvement.objects.filter(reason=Involvement.Reason.LEAD_PRACTITIONER, worker__isnull=False)
        for young_person_id, worker_id in social_care.order_by("pk").values_list("young_person_id", "worker_id"):
            if young_person_id in self.who and worker_id is not None:
                self.who[young_person_id].social_workers.append(worker_id)

    def _looked_after_periods(self) -> None:
        """Each LOOKED_AFTER legal status is a period of care. A period ends
        the day before the 18th birthday (the SSDA903 return counts no one
        older): the rest becomes a CARE_LEAVER status. Looked-after children
        get a council person ID (the return's CHILD) if they have none."""
        changed: list[LegalStatus] = []
        leavers: list[LegalStatus] = []
        rows = (
            LegalStatus.objects.filter(status=LegalStatus.Status.LOOKED_AFTER)
            .order_by("young_person_id", "started_on")
            .values_list("pk", "young_person_id", "started_on", "ended_on")
        )
        for pk, young_person_id, started_on, ended_on in rows:
            who = self.who[young_person_id]
            adult = _birthday(who.date_of_birth, 18)
            end = ended_on
            if adult <= self.today and (ended_on is None or ended_on >= adult) and started_on < adult:
                end = adult - DAY
                changed.append(LegalStatus(pk=pk, ended_on=end))
                leavers.append(
                    LegalStatus(
                        young_person_id=young_person_id,
                        status=LegalStatus.Status.CARE_LEAVER,
                        started_on=adult,
                        ended_on=ended_on,
                    )
                )
            who.periods.append(_Period(start=started_on, end=end))
        LegalStatus.objects.bulk_update(changed, ["ended_on"], batch_size=BATCH_SIZE)
        LegalStatus.objects.bulk_create(leavers, batch_size=BATCH_SIZE)
        given = []
        for who in sorted(self.who.values(), key=lambda w: w.pk):
            if who.periods and not who.council_id:
                who.council_id = self.ids.council_person_id()
                given.append(YoungPerson(pk=who.pk, council_person_id=who.council_id))
        YoungPerson.objects.bulk_update(given, ["council_person_id"], batch_size=BATCH_SIZE)
        self.counts["care leaver statuses"] = len(leavers)

    # Pools shared across the county ---------------------------------------

    def _pools(self) -> None:
        rng, fake = self.rng, self.fake
        self.local_places: list[list[_Place]] = []
        for locality in self.county.localities:
            town = locality.name
            spots = []
            for name, detail in rng.sample(LOCAL_PLACES, 6):
                street = f"{fake.last_name()} {rng.choice(['Road', 'Street', 'Lane', 'Avenue'])}"
                spots.append(_Place(name.format(town=town, street=street), detail.format(town=town, street=street)))
            self.local_places.append(spots)
        self.hotspots = []
        for name, detail in HOTSPOTS:
            town = rng.choice(self.county.localities).name
            words = {"town": town, "n": str(rng.randint(1, 60)), "building": rng.choice(BUILDINGS)}
            words["surname"] = fake.last_name()
            self.hotspots.append(_Place(name.format(**words), detail))
        towns = {locality.name for locality in self.county.localities}
        elsewhere = [t for t in places.town_names(rng, len(towns) + 8) if t not in towns][:4]
        self.out_of_area = [
            _Place(f"An address in {t}, outside the county", f"{t} (another force's area)", True) for t in elsewhere
        ]
        # People named in interviews: street names and adults of concern.
        self.contacts = [_Contact(name, "Street name; a young person") for name in STREET_NAMES]
        for _ in range(12):
            detail = f"Older male, about {rng.randint(19, 34)}; drives a {rng.choice(CARS)}"
            self.contacts.append(_Contact(fake.first_name_male(), detail))
        # A few are named far more often than the rest.
        self.contact_weights = [1 / (rank + 4) for rank in range(len(self.contacts))]
        # Children's homes and supported accommodation that several children live in over the years.
        self.homes: list[tuple[str, str, str]] = []
        names = [f"{a} {b}" for a in HOME_NAMES for b in HOME_KINDS]
        rng.shuffle(names)
        for name in names[:14]:
            out_of_county = rng.random() < 0.3
            district = rng.randint(39, 58) if out_of_county else rng.randrange(len(self.county.localities))
            self.homes.append((name, places.postcode(rng, district), f"SC{rng.randint(100000, 999999)}"))
        self.supported: list[tuple[str, str]] = []
        for pattern in SUPPORTED_NAMES:
            where = rng.randrange(len(self.county.localities))
            words = {"town": self.county.localities[where].name, "name": rng.choice(HOME_NAMES)}
            self.supported.append((pattern.format(**words), places.postcode(rng, where)))

    def _haunts(self, who: _Who) -> None:
        """The places a young person goes and the people they go with, which
        recur through their episodes and interviews."""
        rng = self.rng
        local = self.local_places[who.locality]
        who.haunts = rng.sample(local, 2)
        if rng.random() < 0.2:
            who.haunts.append(self._hotspot())
        if rng.random() < 0.3:
            other = self.local_places[rng.randrange(len(self.local_places))]
            who.haunts.append(rng.choice(other))
        if who.prone >= 3 and rng.random() < 0.3:
            who.haunts.append(rng.choice(self.out_of_area))
        weights = self.contact_weights
        who.associates = []
        for _ in range(rng.choice([0, 1, 1, 2])):
            contact = rng.choices(self.contacts, weights=weights)[0]
            if contact not in who.associates:
                who.associates.append(contact)

    def _hotspot(self) -> _Place:
        return self.rng.choices(self.hotspots, weights=[4, 3, 3, 2, 2])[0]

    # Time -----------------------------------------------------------------

    def _moment(self, lo: dt.datetime, hi: dt.datetime, weights: Sequence[int]) -> dt.datetime:
        """A minute in [lo, hi), likelier in the local hours `weights` favours
        (the offset from UTC is taken at `lo`: an hour out across a change of
        the clocks does not matter here)."""
        if hi <= lo:
            return lo
        start, end = lo.timestamp(), hi.timestamp()
        offset = lo.astimezone(LONDON).utcoffset()
        shift = int(offset.total_seconds() // 3600) if offset else 0
        hour = int(start // 3600)
        slots: list[tuple[float, float, float]] = []
        total, moment = 0.0, start
        while moment < end:
            following = min(end, (hour + 1) * 3600.0)
            weight = weights[(hour + shift) % 24] * (following - moment)
            if weight > 0:
                total += weight
                slots.append((moment, following, total))
            moment, hour = following, hour + 1
        x = self.rng.random()
        if not slots:
            chosen = start + (end - start) * x
        else:
            x *= total
            index = bisect_left(slots, x, key=lambda slot: slot[2])
            a, b, cumulative = slots[min(index, len(slots) - 1)]
            before = slots[index - 1][2] if index else 0.0
            chosen = a + (b - a) * ((x - before) / (cumulative - before))
        return max(lo, dt.datetime.fromtimestamp(chosen // 60 * 60, dt.UTC))

    def _minutes(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(minutes=self.rng.randint(low, max(low, high)))

    def _duration(self, kind: str, squeeze: float) -> dt.timedelta:
        table = ABSENT_MINUTES if kind == EpisodeKind.ABSENT else MISSING_MINUTES
        low, high = self.rng.choices(list(table), weights=list(table.values()))[0]
        return self._minutes(max(10, int(low * squeeze)), int(high * squeeze))

    def _weighted(self, weights: Mapping[Any, int]) -> Any:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # The missing team's involvements --------------------------------------

    def _involvement(self, involvement: _Involvement) -> None:
        """The episodes and interviews of one involvement, drawn again tighter
        when they do not fit between its opening and closing."""
        for attempt in range(6):
            squeeze = 0.55**attempt
            try:
                planned = self._draw(involvement, squeeze, final_try=attempt == 5)
            except _NoRoom:
                continue
            break
        else:  # pragma: no cover - the last try always fits
            raise RuntimeError("No room for a missing episode")
        episodes, interviews = planned
        who = involvement.who
        who.episodes.extend(episodes)
        self.episodes.extend(episodes)
        self.interviews.extend(interviews)
        last = max((i.last_moment for i in interviews), default=None)
        if involvement.closed_at is not None:
            moments = [e.ended_at for e in episodes if e.ended_at is not None] + [e.created_at for e in episodes]
            finished = max([*moments, *([last] if last else [])])
            # The service closes the involvement as the last interview is recorded.
            involvement.new_closed_at = min(involvement.closed_at, finished + self._minutes(5, 90))
            who.busy_until = involvement.new_closed_at

    def _draw(
        self, involvement: _Involvement, squeeze: float, *, final_try: bool
    ) -> tuple[list[_Episode], list[_Interview]]:
        rng, who = self.rng, involvement.who
        opened = involvement.opened_at
        previous_end = max((e.ended_at for e in who.episodes if e.ended_at), default=None)
        earliest = opened - 30 * HOUR
        if previous_end is not None:
            earliest = max(earliest, previous_end + HOUR)
        if who.busy_until is not None:
            # Going missing again before the work closed would have kept it open.
            earliest = max(earliest, who.busy_until + HOUR)
        looked_after = who.period_on(_day(opened)) is not None
        burst = BURST_BASE + BURST_PER_PRONE * who.prone + (BURST_LOOKED_AFTER if looked_after else 0)
        size = 1 if final_try or rng.random() >= burst else self._weighted(BURST_SIZES)
        if involvement.pk == self.weekend and not final_try:
            size = 3
        current = involvement.closed_at is None
        deadline = self.now - 5 * MINUTE if current else involvement.closed_at
        assert deadline is not None  # noqa: S101 - closed involvements have a closing time
        outcome = MISSING_CLOSURES.get(involvement.closure, ("completed", 0))[0]

        if final_try:
            start = max(earliest, opened - 3 * HOUR)
            end = self._within_care(who, start, start + HOUR)
            if not current:
                end = min(end, deadline - 3 * HOUR)
            first = [self._episode(involvement, start, max(start, min(end, deadline)), opened)]
        else:
            first = self._cluster(
                involvement, earliest, opened - 20 * MINUTE, opened, deadline, size, squeeze, may_stay_open=current
            )
        if current:
            return self._current(involvement, first, deadline, squeeze)
        window = deadline - opened
        chance = REPEAT_PER_PRONE * who.prone + (REPEAT_LOOKED_AFTER if looked_after else 0)
        repeat = not final_try and window > dt.timedelta(days=8) and rng.random() < chance
        first_outcome = (Outcome.COMPLETED if rng.random() < 0.8 else Outcome.DECLINED) if repeat else outcome
        interviews = self._close_cluster(involvement, first, first_outcome, deadline, squeeze, final_try)
        if not repeat:
            return first, interviews
        # A second spell after the first interview, with its own interview.
        done = max([e.ended_at for e in first if e.ended_at] + [i.last_moment for i in interviews])
        lo = done + 36 * HOUR
        hi = min(lo + 4 * DAY, deadline - 2 * DAY)
        second = self._cluster(involvement, lo, hi, None, deadline, 1, squeeze, prior=first)
        interviews += self._close_cluster(involvement, second, outcome, deadline, squeeze, False)
        return first + second, interviews

    def _within_care(self, who: _Who, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """Rule 577: an episode that starts in a period of care ends within it."""
        period = who.period_on(_day(start))
        if period is not None and period.end is not None:
            return min(end, _at(period.end + DAY, 0) - MINUTE)
        return end

    def _cluster(
        self,
        involvement: _Involvement,
        lo: dt.datetime,
        hi: dt.datetime,
        opened: dt.datetime | None,
        deadline: dt.datetime,
        size: int,
        squeeze: float,
        *,
        may_stay_open: bool = False,
        prior: Sequence[_Episode] = (),
    ) -> list[_Episode]:
        """One episode, or a burst of several a few hours apart (one weekend).
        With `may_stay_open`, the last may not have ended yet."""
        if hi <= lo:
            raise _NoRoom
        who = involvement.who
        episodes: list[_Episode] = []
        for index in range(size):
            start = self._moment(lo, hi, LEAVING_HOURS)
            period = who.period_on(_day(start))
            absent = self.rng.random() < (0.35 if period else 0.05)
            kind = EpisodeKind.ABSENT if absent else EpisodeKind.MISSING
            planned = start + self._duration(kind, squeeze * (0.6 if index else 1.0))
            end: dt.datetime | None = self._within_care(who, start, planned)
            if end is not None and end > deadline:
                if not may_stay_open:
                    raise _NoRoom
                # Rule 574 sorts open episodes by their start date: none may
                # share it with an earlier episode's start.
                earlier = [*who.episodes, *prior, *episodes]
                if any(_day(e.started_at) == _day(start) for e in earlier):
                    if not episodes:
                        raise _NoRoom
                    break
                end = None
            episodes.append(self._episode(involvement, start, end, opened if index == 0 else None, kind=kind))
            if end is None:
                break
            lo = end + self._minutes(180, 600)
            hi = min(end + self._minutes(900, 1800), deadline)
            if hi <= lo:
                break
        return episodes

    def _episode(
        self,
        involvement: _Involvement,
        start: dt.datetime,
        end: dt.datetime | None,
        opened: dt.datetime | None,
        *,
        kind: str | None = None,
    ) -> _Episode:
        rng, who = self.rng, involvement.who
        period = who.period_on(_day(start))
        kind = kind or EpisodeKind.MISSING
        latest_report = opened - 5 * MINUTE if opened else (end or self.now)
        reported = start + self._minutes(20, 180)
        reported = max(start, min(reported, latest_report, end or reported))
        recorded = opened if opened else min(self.now, reported + self._minutes(10, 720))
        episode = _Episode(
            who=who,
            involvement=involvement,
            kind=kind,
            started_at=start,
            ended_at=end,
            reported_at=reported,
            period=period,
            created_at=max(recorded, reported),
        )
        episode.reported_by = self._weighted(REPORTED_BY_IN_CARE if period else REPORTED_BY_AT_HOME)
        police = (kind == EpisodeKind.MISSING and rng.random() < 0.95) or rng.random() < 0.3
        episode.notified_police = police
        episode.notified_council = rng.random() < 0.96
        if police:
            episode.police_reference = "pending"
            episode.police_risk = self._weighted(RISKS)
            if who.prone >= 4 and episode.police_risk == PoliceRisk.LOW:
                episode.police_risk = PoliceRisk.MEDIUM
            if rng.random() < 0.65:
                self._by_police_file(episode, opened)
        if end is not None:
            episode.how_returned = self._weighted(HOW_RETURNED_ABSENT if kind == EpisodeKind.ABSENT else HOW_RETURNED)
            if rng.random() < 0.8:
                episode.found_where = self._found_where(who)
            episode.found_with = self._fill(rng.choice(FOUND_WITH), who)
        return episode

    def _by_police_file(self, episode: _Episode, opened: dt.datetime | None) -> None:
        """About two in three of the episodes the police knew of in the last
        four weeks came in the next morning's file (the rest the team heard of
        first, from the carer or the placement). The import recorded the
        episode, and its return if the file had it; an episode that opened the
        team's involvement came before the team recorded it itself."""
        day = _day(episode.reported_at)
        file = self.police_files.get(day)
        if file is not None and file[0] <= episode.reported_at:
            day += DAY
            file = self.police_files.get(day)
        if file is None or (opened is not None and file[1] >= opened - MINUTE):
            return
        episode.police_file = day
        episode.created_at = file[1]
        episode.notified_council = episode.notified_police = True

    def _found_where(self, who: _Who) -> str:
        if self.rng.random() < 0.8:
            return self.rng.choice(who.haunts).name
        if self.rng.random() < 0.5:
            return self._hotspot().name
        return self.rng.choice(self.local_places[who.locality]).name

    # Interviews -----------------------------------------------------------

    def _new_interview(self, involvement: _Involvement, returned: list[_Episode]) -> _Interview:
        first_return = min(e.ended_at for e in returned if e.ended_at)
        # Owed when the return is recorded: at once, or when the episode itself is.
        owed = max([first_return + self._minutes(1, 30), *(e.created_at for e in returned)])
        interview = _Interview(
            who=involvement.who,
            involvement=involvement,
            due_at=first_return + self.due,
            created_at=min(owed, max(first_return, self.now - MINUTE)),
            episodes=list(returned),
        )
        for episode in returned:
            episode.interview = interview
        return interview

    def _close_cluster(
        self,
        involvement: _Involvement,
        episodes: list[_Episode],
        outcome: str,
        deadline: dt.datetime,
        squeeze: float,
        final_try: bool,
    ) -> list[_Interview]:
        """A cluster whose work is finished: its interview's outcome, or why none was owed."""
        if outcome == "none":
            reason = self._weighted(NO_INTERVIEW)
            last_return = max(e.ended_at for e in episodes if e.ended_at)
            if _age_on(involvement.who.date_of_birth, _day(last_return) + 7 * DAY) >= 18:
                reason = NoInterviewReason.AGED_18
            detail = self.rng.choice(NO_INTERVIEW_DETAIL) if reason == NoInterviewReason.OTHER else ""
            for episode in episodes:
                episode.no_interview_reason, episode.no_interview_detail = reason, detail
            if max([last_return, *(e.created_at for e in episodes)]) + 2 * HOUR > deadline:
                raise _NoRoom
            return []
        interview = self._new_interview(involvement, episodes)
        interview.outcome = outcome
        self._assign(interview, deadline)
        if final_try:
            self._quick_times(interview)
        else:
            self._final_times(interview, deadline, squeeze)
        if interview.last_moment > deadline:
            raise _NoRoom
        return [interview]

    def _assign(self, interview: _Interview, deadline: dt.datetime) -> None:
        """The team manager allocates the interview the next working hours after the return."""
        worker = interview.involvement.worker_id or self.rng.choice(self.practitioners)
        first_return = interview.created_at
        interview.assigned_to = worker
        interview.assigned_at = min(
            self._moment(first_return + 20 * MINUTE, first_return + 20 * HOUR, WORKING_HOURS), deadline
        )

    def _final_times(self, interview: _Interview, deadline: dt.datetime, squeeze: float) -> None:
        rng = self.rng
        interview.attempts = []
        interview.offered_at = interview.conducted_at = interview.completed_at = None
        interview.offered_how = interview.declined_by = interview.carer_view = ""
        interview.not_offered_reason = interview.not_offered_detail = ""
        interview.interviewer = None
        returns = [e.ended_at for e in interview.episodes if e.ended_at]
        first_return, last_return = min(returns), max(returns)
        assigned = interview.assigned_at or first_return
        owed = interview.created_at
        outcome = interview.outcome
        if outcome in (Outcome.COMPLETED, Outcome.DECLINED):
            offered = self._offer_time(first_return, last_return, assigned, interview.due_at, squeeze)
            if offered - first_return > 30 * HOUR and rng.random() < 0.6:
                self._attempts(interview, first_return + 2 * HOUR, offered - HOUR, rng.randint(1, 2))
            interview.offered_at = offered
            interview.offered_how = self._weighted(OFFER_METHODS)
            if outcome == Outcome.COMPLETED:
                interviewer = interview.assigned_to
                if rng.random() < 0.1:
                    interviewer = rng.choice(self.practitioners)
                interview.interviewer = interviewer
                if rng.random() < 0.4:
                    conducted = offered
                else:
                    conducted = self._moment(offered + 2 * HOUR, offered + (96 * squeeze + 3) * HOUR, VISIT_HOURS)
                interview.conducted_at = conducted
                interview.completed_at = conducted + self._minutes(30, int(1800 * squeeze) + 31)
            else:
                interview.declined_by = self._weighted(DECLINED_BY)
                if rng.random() < 0.85:
                    interview.carer_view = self._fill(rng.choice(CARER_VIEWS), interview.who)
                later = self._minutes(60, int(2880 * squeeze) + 61)
                interview.completed_at = offered + (10 * MINUTE if rng.random() < 0.6 else later)
        elif outcome == Outcome.NOT_OFFERED:
            reason = self._weighted(NOT_OFFERED)
            interview.not_offered_reason = reason
            if reason in NOT_OFFERED_DETAIL:
                interview.not_offered_detail = self._fill(rng.choice(NOT_OFFERED_DETAIL[reason]), interview.who)
            interview.completed_at = self._moment(owed + 4 * HOUR, owed + (96 * squeeze + 5) * HOUR, WORKING_HOURS)
        else:  # unable to contact, after the settings' number of attempts or more
            count = max(self.attempts_needed, rng.choice([3, 3, 3, 4, 5]))
            moment = owed
            for _ in range(count):
                moment = self._moment(moment + 3 * HOUR, moment + (30 * squeeze + 4) * HOUR, WORKING_HOURS)
                interview.attempts.append((moment, self._weighted(ATTEMPT_METHODS)))
            interview.completed_at = moment + self._minutes(20, int(1200 * squeeze) + 21)
        if interview.last_moment > deadline:
            raise _NoRoom

    def _quick_times(self, interview: _Interview) -> None:
        """The tightest timeline, for an involvement with little room: offered
        and held (or declined) within the hour of the return."""
        last_return = max(e.ended_at for e in interview.episodes if e.ended_at)
        interview.assigned_at = interview.created_at
        moment = max(last_return, interview.created_at) + 10 * MINUTE
        if interview.outcome == Outcome.UNABLE_TO_CONTACT:
            for index in range(self.attempts_needed):
                interview.attempts.append((moment + index * 10 * MINUTE, ContactAttempt.Method.PHONE))
            interview.completed_at = moment + self.attempts_needed * 10 * MINUTE
            return
        if interview.outcome == Outcome.NOT_OFFERED:
            interview.not_offered_reason = NotOfferedReason.IN_HOSPITAL
            interview.completed_at = moment
            return
        interview.offered_at = moment
        interview.offered_how = OfferMethod.IN_PERSON
        if interview.outcome == Outcome.DECLINED:
            interview.declined_by = DeclinedBy.YOUNG_PERSON
        else:
            interview.conducted_at = moment
            interview.interviewer = interview.assigned_to
        interview.completed_at = moment + 10 * MINUTE

    def _offer_time(
        self,
        first_return: dt.datetime,
        last_return: dt.datetime,
        assigned: dt.datetime,
        due: dt.datetime,
        squeeze: float,
    ) -> dt.datetime:
        """Within the 72 hours most times; later the rest (or when a burst ran past them)."""
        earliest = max(last_return + 30 * MINUTE, assigned + 10 * MINUTE, first_return + HOUR)
        if earliest < due and self.rng.random() < OFFERED_IN_TIME:
            return self._moment(earliest, earliest + (due - earliest) * squeeze, WORKING_HOURS)
        later = max(earliest, due + 30 * MINUTE)
        return self._moment(later, later + (120 * squeeze + 1) * HOUR, WORKING_HOURS)

    def _attempts(self, interview: _Interview, lo: dt.datetime, hi: dt.datetime, count: int) -> None:
        moment = lo
        for _ in range(count):
            if moment >= hi:
                return
            moment = self._moment(moment, hi, WORKING_HOURS)
            interview.attempts.append((moment, self._weighted(ATTEMPT_METHODS)))
            moment += 3 * HOUR

    # Open involvements: the missing team's board today --------------------

    def _current(
        self, involvement: _Involvement, first: list[_Episode], deadline: dt.datetime, squeeze: float
    ) -> tuple[list[_Episode], list[_Interview]]:
        """An involvement still open has work left: a young person still
        missing, or an interview awaiting its offer or its holding. Some had an
        earlier spell whose interview is done, and went missing again lately."""
        rng = self.rng
        age = self.now - involvement.opened_at
        if any(e.ended_at is None for e in first):
            returned = [e for e in first if e.ended_at is not None]
            return first, [self._pending(involvement, returned)] if returned else []
        if age > 4 * DAY and rng.random() < 0.55:
            outcome = Outcome.COMPLETED if rng.random() < 0.8 else Outcome.DECLINED
            try:
                done = self._close_cluster(involvement, first, outcome, deadline, squeeze, False)
                finished = max([e.ended_at for e in first if e.ended_at] + [i.last_moment for i in done])
                lo = max(finished + 12 * HOUR, self.now - 4 * DAY)
                again = self._cluster(
                    involvement, lo, self.now - 2 * HOUR, None, deadline, 1, squeeze, may_stay_open=True, prior=first
                )
            except _NoRoom:
                for episode in first:  # no room for another spell: the first is still being followed up
                    episode.interview = None
            else:
                returned = [e for e in again if e.ended_at is not None]
                return first + again, done + ([self._pending(involvement, returned)] if returned else [])
        last = first[-1]
        earlier_days = {_day(e.started_at) for e in [*involvement.who.episodes, *first[:-1]]}
        # The newest involvement keeps its young person missing, so that the
        # board always shows someone missing now.
        still_missing = involvement.pk == self.newest or (2 * DAY < age <= 10 * DAY and rng.random() < 0.1)
        if still_missing and _day(last.started_at) not in earlier_days:
            # Still missing, for days now (the earlier ones of a burst wait for their interview).
            last.ended_at = None
            last.how_returned = last.found_where = last.found_with = ""
            returned = first[:-1]
            return first, [self._pending(involvement, returned)] if returned else []
        interview = self._pending(involvement, first)
        first_return = min(e.ended_at for e in first if e.ended_at)
        if self.now - first_return > 12 * HOUR and rng.random() < (0.3 if age <= 4 * DAY else 0.75):
            last_return = max(e.ended_at for e in first if e.ended_at)
            assigned = interview.assigned_at or first_return
            offered = self._offer_time(first_return, last_return, assigned, interview.due_at, 1.0)
            if offered < self.now - 10 * MINUTE:
                interview.outcome = Outcome.OFFERED
                interview.offered_at = offered
                interview.offered_how = self._weighted(OFFER_METHODS)
                if interview.assigned_to is None:
                    interview.assigned_to = rng.choice(self.practitioners)
                    interview.assigned_at = max(interview.created_at, offered - 10 * MINUTE)
        return first, [interview]

    def _pending(self, involvement: _Involvement, returned: list[_Episode]) -> _Interview:
        """An interview not offered yet: allocated, or still waiting for the
        manager (more likely the more recent the return)."""
        rng = self.rng
        interview = self._new_interview(involvement, returned)
        since = self.now - interview.created_at
        if rng.random() >= (0.45 if since < DAY else 0.12):
            self._assign(interview, self.now - MINUTE)
            if interview.assigned_at is not None and interview.assigned_at < interview.created_at:
                interview.assigned_at = interview.created_at
        if since > 26 * HOUR and interview.assigned_to is not None and rng.random() < 0.5:
            lo = max(interview.created_at + 2 * HOUR, interview.assigned_at or interview.created_at)
            self._attempts(interview, lo, self.now - 10 * MINUTE, rng.randint(1, 2))
        return interview

    # Placements -----------------------------------------------------------

    def _placements(self) -> None:
        """Each looked-after period's placements, then each episode that began
        in a period names the placement current at its start."""
        rows: list[Placement] = []
        for who in sorted(self.who.values(), key=lambda w: w.pk):
            if not who.periods:
                continue
            # Rule 575: an open episode must not start on the day a placement ended.
            open_starts = {_day(e.started_at) for e in who.episodes if e.ended_at is None}
            for period in who.periods:
                period.placements = self._period_placements(who, period, open_starts)
                rows.extend(period.placements)
        Placement.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["placements"] = len(rows)
        for episode in self.episodes:
            if episode.period is None:
                continue
            day = _day(episode.started_at)
            current = [
                p
                for p in episode.period.placements
                if p.started_on <= day and (p.ended_on is None or day <= p.ended_on)
            ]
            episode.placement = max(current, key=lambda p: p.started_on)

    def _period_placements(self, who: _Who, period: _Period, avoid: set[dt.date]) -> list[Placement]:
        rng = self.rng
        last_day = period.end or self.today
        age = _age_on(who.date_of_birth, period.start)
        need = self._weighted(NEEDS)
        first_status = self._weighted(
            {code: weight for code, weight in FIRST_LEGAL_STATUS.items() if code != LS.J1 or age >= 12}
        )
        # Legal status changes: emergency orders become interim ones; interim orders become full ones.
        status_changes: dict[dt.date, str] = {}
        cursor, status = period.start, first_status
        while True:
            if status in (LS.L1, LS.L2):
                step, following = rng.randint(3, 14), LS.C1
            elif status == LS.C1 and rng.random() < 0.7:
                step, following = rng.randint(60, 240), LS.C2
            elif status == LS.V2 and rng.random() < 0.15:
                step, following = rng.randint(30, 200), LS.C1
            else:
                break
            cursor += dt.timedelta(days=step)
            if cursor >= last_day:
                break
            status_changes[cursor] = following
            status = following
        moves: set[dt.date] = set()
        cursor = period.start
        while True:
            cursor += dt.timedelta(days=max(14, int(rng.expovariate(1 / 240))))
            if cursor >= last_day:
                break
            moves.add(cursor)
        # Each day something changes: (moved, new legal status). Rule 575: no
        # placement may end on the day an episode still open began.
        changes: dict[dt.date, tuple[bool, str | None]] = {}
        for day in sorted(moves | set(status_changes)):
            moved, new_status = day in moves, status_changes.get(day)
            if day in avoid:
                day -= DAY
            if not period.start < day < last_day or day in avoid:
                continue
            was_moved, was_status = changes.get(day, (False, None))
            changes[day] = (moved or was_moved, new_status or was_status)

        rows: list[Placement] = []
        status = first_status
        setting = self._setting(who, period.start, None)
        starts = [period.start, *sorted(changes)]
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else period.end
            reason: str = RNE.S
            if index:
                moved, new_status = changes[start]
                if new_status is not None and new_status != status:
                    status = new_status
                else:
                    new_status = None
                same_carer = False
                if moved:
                    previous = setting
                    setting = self._setting(who, start, previous)
                    same_carer = setting["placement_name"] == previous["placement_name"]
                if moved and new_status:
                    reason = RNE.U if same_carer else RNE.B
                elif moved:
                    reason = RNE.T if same_carer else RNE.P
                else:
                    reason = RNE.L
                if reason != RNE.L:
                    rows[-1].reason_place_change = self._weighted(PLACE_CHANGE_REASONS)
            rows.append(
                Placement(
                    young_person_id=who.pk,
                    started_on=start,
                    ended_on=end,
                    reason_new_episode=reason,
                    legal_status=status,
                    category_of_need=need,
                    home_postcode=who.postcode,
                    reason_ended="" if end is None else REC.X1,
                    **setting,
                )
            )
        if period.end is not None:
            rows[-1].reason_ended = self._care_ended(who, period, rows[-1])
        return rows

    def _setting(self, who: _Who, day: dt.date, previous: dict[str, str] | None) -> dict[str, str]:
        """Where the child is placed: foster care mostly, a children's home for
        older teenagers, semi-independent accommodation only at 16 or over."""
        rng = self.rng
        age = _age_on(who.date_of_birth, day)
        if previous is not None and previous["placement_type"] == PT.U6 and rng.random() < 0.15:
            # The same foster carers, now long term.
            return previous | {"placement_type": PT.U4}
        band = "child" if age < 13 else "teen" if age < 16 else "older"
        kind = self._weighted(PLACEMENT_TYPES[band])
        provider = self._weighted(PROVIDERS[kind])
        urn = ""
        if kind == PT.K2:
            name, postcode, urn = rng.choice(self.homes)
        elif kind == PT.H5:
            name, postcode = rng.choice(self.supported)
        else:
            carers = "family and friends carers" if kind in (PT.U1, PT.U3) else "foster carers"
            name = f"{self.fake.last_name()} ({carers})"
            district = rng.randrange(len(self.county.localities)) if rng.random() < 0.85 else rng.randint(39, 58)
            postcode = places.postcode(rng, district)
        return {
            "placement_type": kind,
            "provider": provider,
            "placement_name": name,
            "placement_postcode": postcode,
            "urn": urn,
        }

    def _care_ended(self, who: _Who, period: _Period, last: Placement) -> str:
        assert period.end is not None  # noqa: S101 - ended periods only
        if period.end + DAY == _birthday(who.date_of_birth, 18):
            if last.placement_type in (PT.U1, PT.U3, PT.U4, PT.U6):
                return REC.E17
            return REC.E5 if last.placement_type == PT.H5 else REC.E8
        if last.legal_status == LS.J1:
            return REC.E14
        ending = self._weighted(CARE_ENDS)
        age = _age_on(who.date_of_birth, period.end)
        if ending == "sgo":
            return REC.E47 if last.placement_type in (PT.U1, PT.U3) else REC.E45
        if ending == "independent":
            return (REC.E5 if self.rng.random() < 0.75 else REC.E6) if age >= 16 else REC.E4A
        if ending in (REC.E9, REC.E13) and age < 15:
            return REC.E8
        return str(ending)

    # Numbers, police references and the police's files --------------------

    def _number_and_refer(self) -> None:
        for who in self.who.values():
            who.episodes.sort(key=lambda e: e.started_at)
            for number, episode in enumerate(who.episodes, start=1):
                episode.number = number
        self.episodes.sort(key=lambda e: (e.started_at, e.who.pk))
        serials: dict[int, int] = defaultdict(int)
        for episode in self.episodes:
            if episode.police_reference:
                year = _local(episode.reported_at).year
                serials[year] += 1
                episode.police_reference = f"MPU-{year % 100:02d}-{serials[year]:06d}"

    def _police_files(self) -> dict[dt.date, tuple[dt.datetime, dt.datetime]]:
        """The police's file each morning for the last four weeks: when it was
        uploaded and when it was committed."""
        files = {}
        first_day = self.today - dt.timedelta(days=IMPORT_DAYS)
        for offset in range(IMPORT_DAYS + 1):
            day = first_day + dt.timedelta(days=offset)
            uploaded = _at(day, 8, self.rng.randint(5, 55))
            if uploaded <= self.now - 30 * MINUTE:
                files[day] = (uploaded, uploaded + self._minutes(2, 25))
        return files

    def _police_imports(self) -> None:
        """Each morning's file lists the episodes it brought in, in the documented CSV format."""
        rng = self.rng
        rows_by_day: dict[dt.date, list[_Episode]] = defaultdict(list)
        for episode in self.episodes:
            if episode.police_file is not None:
                rows_by_day[episode.police_file].append(episode)
        practitioners = [self.staffing.demo_users["missing"].pk, *self.practitioners]
        for day in sorted(rows_by_day):
            episodes = sorted(rows_by_day[day], key=lambda e: (e.reported_at, e.who.pk))
            uploaded, committed = self.police_files[day]
            content = self._csv(episodes, uploaded)
            police_import = PoliceImport(
                team=self.team,
                filename=f"missing-notifications-{day:%Y-%m-%d}.csv",
                sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
                content=content,
                status=PoliceImport.Status.COMMITTED,
                uploaded_at=uploaded,
                uploaded_by_id=rng.choice(practitioners),
                committed_at=committed,
                rows=len(episodes),
                created_count=len(episodes),
            )
            self.imports.append(police_import)
            for episode in episodes:
                episode.police_import = police_import
                involvement = episode.involvement
                if episode is next(e for e in episode.who.episodes if e.involvement is involvement):
                    # Importing the episode opened the team's involvement.
                    involvement.new_opened_at = committed + MINUTE

    def _csv(self, episodes: list[_Episode], upload: dt.datetime) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for episode in episodes:
            who = episode.who
            returned = episode.ended_at is not None and episode.ended_at <= upload
            placement = episode.placement
            if placement is not None:
                town = self.county.localities[who.locality].name
                address = (
                    placement.placement_name
                    if placement.placement_type in (PT.K2, PT.H5)
                    else f"Foster placement, {town}"
                )
                postcode = placement.placement_postcode
            else:
                address = ", ".join(part for part in (who.address, who.town) if part)
                postcode = who.postcode
            writer.writerow(
                [
                    episode.police_reference,
                    episode.kind,
                    who.council_id if who.council_id and (placement or self.rng.random() < 0.3) else "",
                    who.nhs_number if who.nhs_number and self.rng.random() < 0.4 else "",
                    who.first_name,
                    who.last_name,
                    f"{who.date_of_birth:%d/%m/%Y}",
                    address,
                    postcode,
                    _csv_time(episode.started_at),
                    _csv_time(episode.reported_at),
                    _csv_time(episode.ended_at) if returned else "",
                    episode.police_risk,
                    episode.found_where if returned else "",
                ]
            )
        return out.getvalue()

    def _clock_notices(self) -> None:
        """Stamp the reminder (48 hours) and the overdue alert (72 hours)
        wherever the clock ran out before the offer, as the background task
        would have, so that it does not send them now about the past."""
        for interview in self.interviews:
            reminder_at = interview.due_at - self.reminder_before_due
            stopped = interview.stopped_at if interview.outcome != Outcome.PENDING else self.now
            assert stopped is not None  # noqa: S101 - a final interview stopped its clock
            for episode in interview.episodes:
                assert episode.ended_at is not None  # noqa: S101 - interviews cover returned episodes
                if stopped > reminder_at:
                    episode.reminder_sent_at = max(reminder_at, episode.ended_at)
                if stopped > interview.due_at:
                    episode.overdue_alert_sent_at = max(interview.due_at, episode.ended_at)
                    episode.reminder_sent_at = episode.reminder_sent_at or episode.overdue_alert_sent_at

    # Writing ----------------------------------------------------------------

    def _write(self) -> None:
        """Parents before children: bulk_create sets each parent's pk, which
        the children pick up from the instances they hold."""
        factors: list[InterviewFactor] = []
        attempts: list[ContactAttempt] = []
        mentions: list[InterviewMention] = []
        shares: list[InformationShare] = []
        rows: list[ReturnHomeInterview] = []
        for interview in self.interviews:
            row = self._interview_row(interview)
            interview.row = row
            rows.append(row)
            for at, method in interview.attempts:
                note = self._fill(self.rng.choice(ATTEMPT_NOTES[method]), interview.who)
                attempts.append(
                    ContactAttempt(
                        interview=row,
                        attempted_at=at,
                        method=method,
                        note=note,
                        attempted_by_id=interview.assigned_to or self.manager,
                    )
                )
            if interview.outcome == Outcome.COMPLETED:
                self._content(interview, row, factors, mentions, shares)
        episodes = [self._episode_row(e) for e in self.episodes]
        PoliceImport.objects.bulk_create(self.imports, batch_size=BATCH_SIZE)
        with recorded_times([ReturnHomeInterview, MissingEpisode]):
            ReturnHomeInterview.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            MissingEpisode.objects.bulk_create(episodes, batch_size=BATCH_SIZE)
        InterviewFactor.objects.bulk_create(factors, batch_size=BATCH_SIZE)
        ContactAttempt.objects.bulk_create(attempts, batch_size=BATCH_SIZE)
        InterviewMention.objects.bulk_create(mentions, batch_size=BATCH_SIZE)
        InformationShare.objects.bulk_create(shares, batch_size=BATCH_SIZE)
        self._move_involvements()
        self.counts |= {
            "interview factors": len(factors),
            "contact attempts": len(attempts),
            "interview mentions": len(mentions),
            "information shares": len(shares),
        }

    def _move_involvements(self) -> None:
        """The involvements' times as the services would have set them: opened
        by the police import that brought the first episode, closed as the
        last interview was recorded. One statement run for all the rows
        (bulk_update's CASE expressions take seconds to build for a county)."""
        ops = connection.ops
        params = []
        for involvement in self.involvements:
            opened = min(involvement.new_opened_at or involvement.opened_at, involvement.opened_at)
            closed = involvement.new_closed_at or involvement.closed_at
            if opened != involvement.opened_at or closed != involvement.closed_at:
                params.append(
                    (ops.adapt_datetimefield_value(opened), ops.adapt_datetimefield_value(closed), involvement.pk)
                )
        meta = Involvement._meta
        column = {f.name: ops.quote_name(str(f.column)) for f in meta.concrete_fields}
        table = ops.quote_name(meta.db_table)
        sql = f"UPDATE {table} SET {column['opened_at']} = %s, {column['closed_at']} = %s WHERE {column['id']} = %s"  # noqa: S608
        with connection.cursor() as cursor:
            for index in range(0, len(params), BATCH_SIZE):
                cursor.executemany(sql, params[index : index + BATCH_SIZE])

    def _interview_row(self, interview: _Interview) -> ReturnHomeInterview:
        final = interview.outcome not in (Outcome.PENDING, Outcome.OFFERED)
        return ReturnHomeInterview(
            young_person_id=interview.who.pk,
            team=self.team,
            due_at=interview.due_at,
            assigned_to_id=interview.assigned_to,
            assigned_at=interview.assigned_at if interview.assigned_to else None,
            assigned_by_id=self.manager if interview.assigned_to else None,
            outcome=interview.outcome,
            offered_at=interview.offered_at,
            offered_by_id=(interview.interviewer or interview.assigned_to) if interview.offered_at else None,
            offered_how=interview.offered_how,
            declined_by=interview.declined_by,
            not_offered_reason=interview.not_offered_reason,
            not_offered_detail=interview.not_offered_detail,
            carer_view=interview.carer_view,
            conducted_at=interview.conducted_at,
            interviewer_id=interview.interviewer,
            completed_at=interview.completed_at if final else None,
            completed_by_id=(interview.interviewer or interview.assigned_to or self.manager) if final else None,
            created_at=interview.created_at,
            updated_at=interview.last_moment,
        )

    def _episode_row(self, episode: _Episode) -> MissingEpisode:
        interview = episode.interview
        updated = episode.created_at
        if episode.ended_at is not None:
            updated = max(updated, min(self.now, episode.ended_at + self._minutes(10, 600)))
        return MissingEpisode(
            young_person_id=episode.who.pk,
            team=self.team,
            number=episode.number,
            kind=episode.kind,
            started_at=episode.started_at,
            reported_at=episode.reported_at,
            reported_by=episode.reported_by,
            police_reference=episode.police_reference,
            police_risk=episode.police_risk,
            placement=episode.placement,
            ended_at=episode.ended_at,
            found_where=episode.found_where,
            found_with=episode.found_with,
            how_returned=episode.how_returned,
            notified_council=episode.notified_council,
            notified_police=episode.notified_police,
            interview=interview.row if interview else None,
            no_interview_reason=episode.no_interview_reason,
            no_interview_detail=episode.no_interview_detail,
            source=MissingEpisode.Source.POLICE_IMPORT if episode.police_import else MissingEpisode.Source.RECORDED,
            police_import=episode.police_import,
            reminder_sent_at=episode.reminder_sent_at,
            overdue_alert_sent_at=episode.overdue_alert_sent_at,
            created_at=episode.created_at,
            updated_at=updated,
        )

    # What the young people said --------------------------------------------

    def _fill(self, template: str, who: _Who, **words: str) -> str:
        if "{place}" in template and "place" not in words:
            words["place"] = self.rng.choice(who.haunts).name
        if "{person}" in template and "person" not in words:
            words["person"] = (self.rng.choice(who.associates) if who.associates else self._contact()).name
        words.setdefault("town", self.county.localities[who.locality].name)
        return template.format(name=who.called, **{k: v for k, v in words.items() if "{" + k + "}" in template})

    def _contact(self) -> _Contact:
        return self.rng.choices(self.contacts, weights=self.contact_weights)[0]

    def _content(
        self,
        interview: _Interview,
        row: ReturnHomeInterview,
        factors: list[InterviewFactor],
        mentions: list[InterviewMention],
        shares: list[InformationShare],
    ) -> None:
        rng, who = self.rng, interview.who
        first = interview.episodes[0]
        in_care = first.period is not None
        place = rng.choice(who.haunts)
        person = rng.choice(who.associates) if who.associates and rng.random() < 0.7 else self._contact()
        words = {"place": place.name, "person": person.name}
        push = self._some(PUSH_IN_CARE if in_care else PUSH_AT_HOME, rng.choice([1, 1, 2, 2, 3]))
        pull = self._some(PULL, rng.choice([1, 1, 2, 2, 3]))
        if who.prone >= 4 and rng.random() < 0.4:
            pull.add(rng.choice([PullFactor.OLDER_PEERS, PullFactor.ADULT_OF_CONCERN, PullFactor.DRUG_SUPPLY]))
        factors += [InterviewFactor(interview=row, direction="push", factor=f) for f in sorted(push)]
        factors += [InterviewFactor(interview=row, direction="pull", factor=f) for f in sorted(pull)]
        row.where_went = self._fill(rng.choice(WHERE_WENT), who, **words)
        row.who_with = self._fill(rng.choice(WHO_WITH), who, **words)
        row.what_happened = self._fill(rng.choice(WHAT_HAPPENED), who, **words)
        harmed = rng.random()
        row.harm_experienced = True if harmed < 0.1 else False if harmed < 0.75 else None
        row.harm_detail = self._fill(rng.choice(HARM), who, **words) if row.harm_experienced else ""
        row.push_narrative = " ".join(self._fill(PUSH_WORDS[f], who, **words) for f in sorted(push))
        row.pull_narrative = " ".join(self._fill(PULL_WORDS[f], who, **words) for f in sorted(pull))
        row.exploitation_indicators = self._indicators(interview, pull, place)
        exploited = bool(pull & EXPLOITATION_PULLS)
        if rng.random() < (0.2 if exploited else 0.03):
            row.disclosures = self._fill(rng.choice(DISCLOSURES), who, **words)
            row.safeguarding_action = rng.choice(SAFEGUARDING)
        row.sensitive = (bool(row.disclosures) and rng.random() < 0.5) or rng.random() < 0.01
        row.what_would_help = self._fill(rng.choice(WHAT_WOULD_HELP), who, **words)
        row.own_words = rng.choice(OWN_WORDS)
        row.actions_and_referrals = self._fill(rng.choice(ACTIONS), who, **words)

        named: list[tuple[str, str, str]] = []
        if rng.random() < 0.75:
            named.append((InterviewMention.Kind.PLACE, place.name, place.detail))
        if rng.random() < 0.3:
            other = self._hotspot() if rng.random() < 0.3 else rng.choice(who.haunts)
            named.append((InterviewMention.Kind.PLACE, other.name, other.detail))
        if rng.random() < (0.7 if exploited else 0.35):
            named.append((InterviewMention.Kind.PERSON, person.name, person.detail))
        seen: set[tuple[str, str]] = set()
        for kind, name, detail in named:
            key = mention_key(name)
            if (kind, key) in seen:
                continue
            seen.add((kind, key))
            mentions.append(
                InterviewMention(interview=row, young_person_id=who.pk, kind=kind, name=name, detail=detail, key=key)
            )
        assert interview.conducted_at is not None and interview.interviewer is not None  # noqa: S101 - completed
        recipients: list[str] = []
        if (in_care or who.social_workers) and rng.random() < 0.85:
            recipients.append(InformationShare.SharedWith.SOCIAL_WORKER)
        if exploited or row.disclosures or rng.random() < 0.2:
            recipients.append(InformationShare.SharedWith.POLICE)
        for agency, chance in (
            (InformationShare.SharedWith.CARER, 0.3),
            (InformationShare.SharedWith.SCHOOL, 0.1),
            (InformationShare.SharedWith.YOUTH_JUSTICE, 0.04),
            (InformationShare.SharedWith.HEALTH, 0.03),
        ):
            if rng.random() < chance:
                recipients.append(agency)
        for shared_with in recipients:
            shared_at = min(self.now, interview.conducted_at + self._minutes(30, 4320))
            shares.append(
                InformationShare(
                    interview=row,
                    shared_with=shared_with,
                    shared_at=shared_at,
                    detail=SHARE_DETAIL[shared_with].format(place=place.name),
                    shared_by_id=interview.interviewer,
                )
            )

    def _some(self, weights: Mapping[Any, int], count: int) -> set[str]:
        chosen: set[str] = set()
        for _ in range(count):
            chosen.add(self._weighted(weights))
        return chosen

    def _indicators(self, interview: _Interview, pull: set[str], place: _Place) -> list[str]:
        rng = self.rng
        chosen: set[str] = set()
        for factor in sorted(pull):
            for indicator in PULL_INDICATORS.get(factor, []):
                if rng.random() < 0.35:
                    chosen.add(indicator)
        first = interview.episodes[0]
        for episode in interview.episodes:
            end = episode.ended_at
            if end is not None and end - episode.started_at > 6 * HOUR and _day(end) > _day(episode.started_at):
                chosen.add("missing_overnight")
        window = [
            e
            for e in interview.who.episodes
            if first.started_at - dt.timedelta(days=90) < e.started_at <= first.started_at
        ]
        if len(window) + len(interview.episodes) - 1 >= 3:
            chosen.add("missing_repeatedly")
        if place.out_of_area or any("outside the county" in e.found_where for e in interview.episodes):
            chosen.add("found_out_of_area")
        return sorted(chosen & set(self.indicator_ids))

    # Philomena Protocol profiles --------------------------------------------

    def _profiles(self) -> int:
        """Most children in care now who have gone missing have a profile for
        the police, reviewed in the last few months (a few overdue)."""
        rng = self.rng
        profiles = []
        for who in sorted(self.who.values(), key=lambda w: w.pk):
            current = bool(who.periods) and who.periods[-1].end is None
            if not current or not who.episodes or rng.random() >= 0.85:
                continue
            first = who.episodes[0].started_at
            overdue = rng.random() < 0.15
            days = rng.randint(PROFILE_REVIEW_DAYS + 5, 200) if overdue else rng.randint(2, PROFILE_REVIEW_DAYS - 5)
            reviewed = self.now - dt.timedelta(days=days, minutes=rng.randint(0, 600))
            created = min(reviewed, max(first, self.now - dt.timedelta(days=700)))
            reviewer = rng.choice(who.social_workers) if who.social_workers and rng.random() < 0.6 else None
            associates = "\n".join(f"{c.name}: {c.detail}" for c in who.associates) or "None known"
            height = rng.randint(150, 185)
            description = (
                f"About {height} cm, {rng.choice(BUILDS)} build, {rng.choice(HAIR)} hair, {rng.choice(EYES)} eyes; "
                f"{rng.choice(MARKS)}. {rng.choice(CLOTHES).format(colour=rng.choice(COLOURS)).capitalize()}."
            )
            handle = f"{who.called.lower()}{rng.choice(['_x', '.xo', '99', '_07', 'z'])}"
            profiles.append(
                PhilomenaProfile(
                    young_person_id=who.pk,
                    description=description,
                    known_associates=associates,
                    places_may_go="\n".join(f"{p.name} ({p.detail})" for p in who.haunts),
                    phone_numbers=places.phone(rng),
                    social_media=f"Snapchat: {handle}\nInstagram: {handle}{rng.randint(1, 9)}",
                    health_needs=rng.choice(HEALTH),
                    other_information="Responds better to female officers." if rng.random() < 0.15 else "",
                    last_reviewed_at=reviewed,
                    last_reviewed_by_id=reviewer or rng.choice(self.practitioners),
                    created_at=created,
                    updated_at=reviewed,
                )
            )
        with recorded_times([PhilomenaProfile]):
            PhilomenaProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
        return len(profiles)
