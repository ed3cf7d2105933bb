"""The call-in service's records: every request the history planned, with
its screening, consultations, state changes and priority; and, for each
allocated request, the case with its contacts, exploitation screenings,
outcome-tool completions, plans (safety maps, goals, actions, reviews),
feedback, the psychologist's formulations, joint working, transition plans
and closure with the manager's approval.

Written with bulk_create like the rest of the county (docs/decisions/0004),
keeping the services' invariants here: a case only for an accepted request,
its lead practitioner the request's, a consultation for every decision,
contacts on or after allocation and never in the future, screenings scored
by the tool's own scoring (lantern.tools.scoring) so that the stored tier is
the one the rules give unless a reason says otherwise.

Requests are processed in batches, oldest first, each batch written before
the next is made, so that a region's million rows never sit in memory at
once. The records keep the times they were made (created_at is the time of
the work, not of the seeding).
"""

import bisect
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from lantern.accounts.models import Organisation, User
from lantern.cases.models import Case, CaseClosure, Involvement, SignOff, TeamCapacity
from lantern.contacts.models import (
    ConsultationNote,
    Contact,
    ContactMethodology,
    ContactType,
    ContactVersion,
    CriticalMoment,
    Formulation,
    JointWorkingKind,
    JointWorkingRecord,
    Methodology,
)
from lantern.core.working_days import add_working_days
from lantern.people.models import Household, LegalStatus, YoungPerson
from lantern.plans import cadence
from lantern.plans.models import Action, Feedback, Goal, Plan, PlanSignOff, Review, SafetyMapEntry, TransitionPlan
from lantern.referrals.models import (
    CallInRequest,
    CallInRequestRisk,
    CallInRequestTransition,
    Consent,
    Consultation,
    Context,
    Decision,
    Priority,
    Risk,
    SocialCareStatus,
)
from lantern.tools.models import OutcomeCompletion, OutcomeDomainScore, OutcomeTool, Screening, ScreeningTool, Tier
from lantern.tools.schema import OutcomeDefinition, ScreeningDefinition
from lantern.tools.scoring import Answer, answers_as_json, domain_scores, score_screening, tier_level
from lantern.tools.services import load_shipped_tools

from .history import Episode, RequestPlan, case_closure_text
from .organisations import County
from .population import BATCH_SIZE, Person
from .staff import Staffing

LONDON = ZoneInfo("Europe/London")
State = CallInRequest.State
REQUESTS_PER_BATCH = 400
SCREENING_SLUG = "lantern-exploitation-screening"
OUTCOMES_SLUG = "lantern-youth-outcomes"
# The priority a screening's tier proposes (lantern.referrals.services).
TIER_PRIORITY = {"high": Priority.HIGH, "medium": Priority.MEDIUM, "low": Priority.LOW, "no": Priority.LOW}
PRIORITY_ORDER = [Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.CRITICAL]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def _age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


@contextmanager
def recorded_times(model_list: Iterable[type[models.Model]]) -> Iterator[None]:
    """Let bulk_create keep the created_at and updated_at the generator sets:
    a contact made two years ago was recorded two years ago. auto_now and
    auto_now_add are switched off on these models' fields for the duration
    and put back after, even on error."""
    fields = [
        f
        for model in model_list
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


TIMESTAMPED_MODELS: list[type[models.Model]] = [
    CallInRequest,
    Case,
    Screening,
    OutcomeCompletion,
    Contact,
    Formulation,
    ConsultationNote,
    JointWorkingRecord,
    Plan,
    SafetyMapEntry,
    Goal,
    Action,
    Review,
    Feedback,
    TransitionPlan,
]


# ---------------------------------------------------------------------------
# Risk: what a request presents, and how it shows on the screening tool

RISK_WEIGHTS = {
    Risk.CCE: 250,
    Risk.COUNTY_LINES: 180,
    Risk.CSE: 140,
    Risk.SERIOUS_YOUTH_VIOLENCE: 100,
    Risk.WEAPONS: 80,
    Risk.MISSING: 80,
    Risk.ONLINE_HARM: 60,
    Risk.SUBSTANCE_MISUSE: 50,
    Risk.PEER_ON_PEER: 30,
    Risk.HARMFUL_SEXUAL_BEHAVIOUR: 15,
    Risk.TRAFFICKING: 10,
    Risk.RADICALISATION: 5,
}
# Risks that tend to come together.
RISK_COMPANIONS: dict[str, list[str]] = {
    Risk.CCE: [Risk.COUNTY_LINES, Risk.MISSING, Risk.SUBSTANCE_MISUSE, Risk.WEAPONS],
    Risk.COUNTY_LINES: [Risk.CCE, Risk.MISSING, Risk.TRAFFICKING],
    Risk.CSE: [Risk.MISSING, Risk.ONLINE_HARM, Risk.PEER_ON_PEER, Risk.SUBSTANCE_MISUSE],
    Risk.SERIOUS_YOUTH_VIOLENCE: [Risk.WEAPONS, Risk.CCE],
    Risk.WEAPONS: [Risk.SERIOUS_YOUTH_VIOLENCE, Risk.CCE],
    Risk.MISSING: [Risk.CCE, Risk.CSE],
    Risk.ONLINE_HARM: [Risk.CSE, Risk.PEER_ON_PEER],
    Risk.SUBSTANCE_MISUSE: [Risk.CCE, Risk.MISSING],
    Risk.PEER_ON_PEER: [Risk.ONLINE_HARM, Risk.CSE],
    Risk.HARMFUL_SEXUAL_BEHAVIOUR: [Risk.ONLINE_HARM, Risk.PEER_ON_PEER],
    Risk.TRAFFICKING: [Risk.COUNTY_LINES, Risk.CCE],
    Risk.RADICALISATION: [Risk.ONLINE_HARM],
}
RISK_CONTEXTS: dict[str, list[Context]] = {
    Risk.CCE: [Context.PEER_GROUP, Context.PLACE],
    Risk.COUNTY_LINES: [Context.PEER_GROUP, Context.PLACE],
    Risk.CSE: [Context.PEER_GROUP, Context.ONLINE, Context.PLACE],
    Risk.SERIOUS_YOUTH_VIOLENCE: [Context.PEER_GROUP, Context.PLACE, Context.SCHOOL],
    Risk.WEAPONS: [Context.PEER_GROUP, Context.SCHOOL],
    Risk.MISSING: [Context.PLACE],
    Risk.ONLINE_HARM: [Context.ONLINE],
    Risk.SUBSTANCE_MISUSE: [Context.PEER_GROUP, Context.PLACE],
    Risk.PEER_ON_PEER: [Context.PEER_GROUP, Context.SCHOOL, Context.ONLINE],
    Risk.HARMFUL_SEXUAL_BEHAVIOUR: [Context.SCHOOL, Context.ONLINE],
    Risk.TRAFFICKING: [Context.PLACE],
    Risk.RADICALISATION: [Context.ONLINE],
}
# The screening tool's indicators that each risk tends to show as, mildest first.
RISK_INDICATORS: dict[str, list[str]] = {
    Risk.CCE: [
        "late_returns", "dropped_friends", "older_associates", "several_phones", "unexplained_money",
        "peers_exploited", "whereabouts_unexplained", "group_violence_or_supply", "debt_to_others",
        "found_with_drugs_or_cash",
    ],
    Risk.COUNTY_LINES: [
        "late_returns", "several_phones", "missing_repeatedly", "unexplained_money", "missing_overnight",
        "found_out_of_area", "group_violence_or_supply", "found_with_drugs_or_cash", "debt_to_others",
    ],
    Risk.CSE: [
        "late_returns", "online_strangers", "older_associates", "self_harm_or_mood_change",
        "collected_by_vehicles", "unexplained_money", "sexual_health_concerns", "missing_overnight",
        "adult_of_concern", "sexual_exploitation",
    ],
    Risk.SERIOUS_YOUTH_VIOLENCE: [
        "persistent_absence", "dropped_friends", "peers_exploited", "excluded_or_not_in_education",
        "unexplained_injuries", "group_violence_or_supply",
    ],
    Risk.WEAPONS: ["persistent_absence", "excluded_or_not_in_education", "weapon_carrying", "unexplained_injuries"],
    Risk.MISSING: ["late_returns", "whereabouts_unexplained", "missing_repeatedly", "missing_overnight"],
    Risk.ONLINE_HARM: ["online_strangers", "self_harm_or_mood_change", "online_recruitment", "sexual_images_pressure"],
    Risk.SUBSTANCE_MISUSE: ["substance_use", "substance_use_escalating", "debt_to_others"],
    Risk.PEER_ON_PEER: ["self_harm_or_mood_change", "online_strangers", "sexual_images_pressure"],
    Risk.HARMFUL_SEXUAL_BEHAVIOUR: ["persistent_absence", "online_strangers", "sexual_images_pressure"],
    Risk.TRAFFICKING: ["missing_repeatedly", "found_out_of_area", "adult_of_concern", "debt_to_others"],
    Risk.RADICALISATION: ["dropped_friends", "online_strangers", "online_recruitment"],
}  # fmt: skip
CONTEXT_LEANINGS: dict[str, dict[str, int]] = {
    Risk.CCE: {"peers": 3, "neighbourhood": 2},
    Risk.COUNTY_LINES: {"peers": 3, "neighbourhood": 3},
    Risk.CSE: {"peers": 2, "online": 2, "neighbourhood": 1},
    Risk.SERIOUS_YOUTH_VIOLENCE: {"peers": 3, "neighbourhood": 2, "school": 1},
    Risk.WEAPONS: {"peers": 2, "school": 2},
    Risk.MISSING: {"family": 2, "neighbourhood": 1},
    Risk.ONLINE_HARM: {"online": 3},
    Risk.SUBSTANCE_MISUSE: {"peers": 2},
    Risk.PEER_ON_PEER: {"peers": 2, "school": 2, "online": 1},
    Risk.HARMFUL_SEXUAL_BEHAVIOUR: {"school": 2, "online": 2, "family": 1},
    Risk.TRAFFICKING: {"neighbourhood": 3, "peers": 1},
    Risk.RADICALISATION: {"online": 3},
}
# How a young person's risk moves over a case: a level between 0 and 1 at
# each point f (0 at allocation, 1 at closure) from the level at the start.
TRAJECTORIES: dict[str, Callable[[float, float], float]] = {
    "improving": lambda start, f: start * (1 - 0.8 * f),
    "rise_then_fall": lambda start, f: start + 0.3 * math.sin(math.pi * f) - 0.45 * start * f,
    "escalating": lambda start, f: start + 0.35 * f,
    "fluctuating": lambda start, f: start + 0.16 * math.sin(2.6 * math.pi * f),
}
TRAJECTORY_BY_ENDING = {
    CaseClosure.Reason.PLANNED_ENDING: {"improving": 60, "rise_then_fall": 35, "fluctuating": 5},
    CaseClosure.Reason.DISENGAGED: {"fluctuating": 50, "escalating": 35, "rise_then_fall": 15},
    CaseClosure.Reason.MOVED_AWAY: {"fluctuating": 50, "improving": 30, "escalating": 20},
    CaseClosure.Reason.ESCALATED: {"escalating": 75, "fluctuating": 25},
    CaseClosure.Reason.TRANSFERRED: {"improving": 40, "rise_then_fall": 30, "fluctuating": 30},
    CaseClosure.Reason.OTHER: {"fluctuating": 50, "improving": 25, "escalating": 25},
    "": {"improving": 38, "rise_then_fall": 27, "escalating": 15, "fluctuating": 20},
}
# How likely a sign that no longer applies is still marked (by its weight).
REMEMBERED = {"low": 0.15, "medium": 0.35, "high": 0.6}
# The level a request's screening starts at, by what became of the request.
REQUEST_LEVELS = {
    State.ACCEPTED: (0.35, 0.85),
    State.DECLINED: (0.08, 0.4),
    State.SIGNPOSTED: (0.12, 0.5),
    State.WITHDRAWN: (0.2, 0.6),
    State.RECEIVED: (0.2, 0.8),
    State.IN_CONSULTATION: (0.2, 0.8),
    State.MORE_INFORMATION: (0.2, 0.7),
}
LEGAL_TO_SOCIAL_CARE: dict[str, str] = {
    LegalStatus.Status.CHILD_IN_NEED: SocialCareStatus.CHILD_IN_NEED,
    LegalStatus.Status.CHILD_PROTECTION: SocialCareStatus.CHILD_PROTECTION,
    LegalStatus.Status.LOOKED_AFTER: SocialCareStatus.LOOKED_AFTER,
    LegalStatus.Status.EARLY_HELP: SocialCareStatus.EARLY_HELP,
}


@dataclass
class RiskHistory:
    """One young person's exploitation risk over the years: which of the
    tool's indicators apply to them (mildest first), when each last applied
    (which sets its time frame on later screenings), and every screening's
    tier so far."""

    profile: list[str]
    learning_disability: bool
    leanings: dict[str, int]
    last_current: dict[str, dt.date] = field(default_factory=dict)
    # Whether a sign that no longer applies is still marked, with when it
    # last did: practitioners keep the serious ones and let minor ones go.
    remembered: dict[str, bool] = field(default_factory=dict)
    days: list[dt.date] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    level: float = 0.0

    def tier_on(self, day: dt.date) -> str | None:
        """The tier of the latest screening on or before `day`."""
        index = bisect.bisect_right(self.days, day)
        return self.tiers[index - 1] if index else None


# ---------------------------------------------------------------------------
# Words: short synthetic templates (no real people or places)

TRIED_SO_FAR = [
    "Child in need plan with weekly visits; school has put a mentor in place. Missing episodes have continued and "
    "{name} is spending more time with older young people in {town}.",
    "Child protection plan under the category of neglect, now with concerns about criminal exploitation. A "
    "disruption meeting was held and police have issued a child abduction warning notice. {name} will not engage "
    "with the social worker.",
    "Looked after in a residential placement. The placement has tried curfews and rewards; the return home "
    "interviews say {name} is being picked up in cars near the placement.",
    "Early help assessment, then a child in need plan. Mum is working well with us but {name} has been found "
    "with cash and two phones, and was excluded last month.",
    "Weekly direct work by the social worker on healthy relationships; referral to the sexual health outreach "
    "nurse. {name} talks about an older boyfriend the family have not met.",
    "School has reduced {name}'s timetable; a youth justice prevention worker met {name} twice. Police "
    "intelligence links {name} to a group dealing in {town}.",
]
MORE_INFORMATION_REASONS = [
    "Asked for the current child protection plan and the minutes of the last strategy meeting",
    "Asked whether {name} knows about the request and what they think of it",
    "Asked the school for attendance and exclusion history",
    "Asked for the police intelligence shared at the last MACE meeting",
]
INFORMATION_ARRIVED = [
    "The social worker sent the plan and the strategy meeting minutes",
    "{name} has been spoken to and agrees to meet a youth worker",
    "School sent the attendance and exclusion history",
]
WITHDRAWAL_REASONS = [
    "{name} has moved to a placement out of the county",
    "The risk has reduced and the current plan is working",
    "{name} is now open to the youth justice service, who will lead on the work",
    "The family withdrew their consent",
]
DECISION_REASONS = {
    Decision.ACCEPTED: [
        "Extra-familial risk is the main need and the current plan is not reducing it; {name} has said they "
        "would meet a youth worker.",
        "Complex criminal exploitation risk across peer group and place; a contextual approach with the "
        "youth support service alongside the social worker is needed.",
        "{name} responds to informal, relationship-based work; the screening and the missing pattern show "
        "risk is rising.",
    ],
    Decision.DECLINED: [
        "Extra-familial risk is not the main need: the concerns are within the family and the social worker's "
        "plan is addressing them.",
        "The risk is low and reducing; the current team around the child is enough.",
        "{name} is already working with the youth justice service, who offer the same support.",
    ],
    Decision.SIGNPOSTED: [
        "The risk is better met by a universal or targeted youth offer than by a call-in case.",
        "The concern is mainly about substance use: signposted to the young people's drug and alcohol service.",
        "The concern is mainly about emotional health: signposted to the school's mental health support team.",
    ],
    Decision.MORE_INFORMATION: [
        "We could not decide without the latest plan and what {name} thinks: more information asked for.",
    ],
}
DIRECTED_TO = [
    "Early help hub",
    "Youth justice service prevention offer",
    "Sexual health outreach, Harbour Lights Trust",
    "Young people's drug and alcohol service",
    "School mental health support team",
    "Open-access youth club in {town}",
    "Schools exploitation project, Safe Streets Youth Partnership",
    "Detached youth work team in {town}",
]
OTHER_PARTICIPANTS = [
    "Designated safeguarding lead, {school}",
    "Police MACE officer",
    "Youth justice service prevention worker",
    "Independent reviewing officer",
]
PRIORITY_REASONS = {
    "up": [
        "Found in another county last week: risk is rising faster than the screening shows",
        "A current police investigation names {name}; the screening was before it",
        "Repeated missing overnight this month",
    ],
    "down": [
        "Protective factors the screening does not weigh: a new placement and a trusted teacher",
        "The screening reflects last year's concerns; nothing current since the move",
    ],
    "none": ["No screening yet: priority from the consultation"],
}
ALLOCATION_COMMENTS = [
    "{worker} knows the area and the peer group",
    "Matched on interests: {name} plays football and {worker} runs the Thursday session",
    "{name} asked for a female worker",
    "Allocated to the worker who met {name} at the consultation",
]
OVER_CAPACITY_REASONS = [
    "A sibling is already on {worker}'s caseload: one worker for the family",
    "{name} has worked with {worker} before and asked for them",
    "No other worker free this month; one of {worker}'s cases closes next week",
]

PLACES = [
    "McDonald's, {town}",
    "{town} Youth Centre",
    "home",
    "{school}",
    "the park in {town}",
    "in the car",
    "a café on {town} high street",
    "{town} library",
    "the boxing club, {town}",
    "the skate park, {town}",
]
NARRATIVES: dict[str, list[str]] = {
    ContactType.ONE_TO_ONE: [
        "Met {name} at {place}. We talked about how the week had gone at school and who {name} has been "
        "spending time with. {name} said things had been calmer since the last session.",
        "Took {name} for food at {place}. Spoke about the people {name} sees in the evenings and went through the "
        "safety plan together: {name} could name two safe adults.",
        "Session at {place}. Worked on peer group mapping: {name} drew who they spend time with and marked the "
        "people they feel pressured by.",
        "Drove {name} to a taster session at the boxing club. Quiet at first but joined in and asked to go again "
        "next week.",
        "Met at {place}. {name} talked about money worries and being asked to hold things for older lads. Agreed "
        "to share this with the social worker and update the safety plan.",
        "Worked on a CV with {name} at {place} and looked at the college open day. {name} wants to try "
        "motor vehicle maintenance.",
        "Walked with {name} round {town} and talked about where feels safe and where does not. {name} avoided "
        "the underpass by the station.",
    ],
    ContactType.GROUP: [
        "{name} came to the Thursday group at {place}: cooking, then a discussion about healthy relationships.",
        "Group session on online safety; {name} joined in and helped a younger member.",
        "{name} attended the weekend football session with three others from the group work programme.",
    ],
    ContactType.FAMILY: [
        "Home visit with {name} and their carer. Talked about house rules and what helps when {name} is late home. "
        "The carer said communication has improved.",
        "Family session at home: agreed a check-in text when {name} is out after 8pm.",
        "Met {name}'s parent at home to go through the safety plan and who to call if {name} goes missing.",
    ],
    ContactType.PHONE: [
        "Phone call with {name} to confirm next week's session. {name} said they were OK and at home.",
        "Called {name}'s carer, who said {name} had been home on time most nights this week.",
        "{name} rang after being stopped by police in {town}; talked it through and agreed to meet tomorrow.",
    ],
    ContactType.TEXT_OR_ONLINE: [
        "Text exchange with {name} to check in after the weekend; {name} replied that all was fine and agreed to "
        "meet on Thursday.",
        "Messages with {name} about the college application deadline.",
        "Video call with {name}, who did not want to meet in person this week.",
    ],
    ContactType.MULTI_AGENCY: [
        "Case discussion with the social worker, police and school about {name}. Shared what {name} has told us "
        "about the park; police to increase patrols; school to review the timetable.",
        "Attended the child in need review for {name}. Youth support work continues; next review in 12 weeks.",
        "Joint meeting with the youth justice worker to plan who does what with {name} over the summer.",
    ],
    ContactType.ATTEMPTED: [
        "Went to {place} for the planned session but {name} was not there. Texted and called with no answer; told "
        "the social worker.",
        "Home visit: no answer at the door. Left a card and texted {name}.",
        "{name} cancelled by text ten minutes before the session; rearranged for next week.",
    ],
}
CRITICAL_NARRATIVES = {
    CriticalMoment.EXCLUSION: "{name} was excluded for five days today. Met {name} at home the same afternoon to "
    "talk about what happened and plan the days out of school.",
    CriticalMoment.ARREST_OR_CUSTODY: "{name} was arrested last night and held overnight. Met {name} on release "
    "and took them home; talked about who they were with and what might help.",
    CriticalMoment.HOSPITAL_ATTENDANCE: "{name} went to A&E after an assault. Visited at the hospital and spoke "
    "with {name} and their carer; shared the concerns with the social worker.",
}
SENSITIVE_NARRATIVES = [
    "{name} disclosed that an older male has been asking for images and offering to pay. Followed safeguarding "
    "procedures: told the social worker and the MACE officer the same day.",
    "{name} talked about a termination earlier this year and who knew about it. Agreed with {name} what is shared "
    "and with whom.",
    "{name} said a family member is using drugs at home and that they stay out to avoid it. Discussed with the "
    "manager; shared with the social worker.",
]
EDIT_REASONS = [
    "Added what the social worker agreed after the session",
    "Corrected the time of the session",
    "Added the police reference number",
]
METHODOLOGY_WEIGHTS = {
    Methodology.RELATIONSHIP_BUILDING: 40,
    Methodology.INFORMAL_LEARNING: 18,
    Methodology.POSITIVE_ACTIVITIES: 15,
    Methodology.SAFETY_PLANNING: 14,
    Methodology.PEER_GROUP_MAPPING: 7,
    Methodology.BROKERAGE: 8,
    Methodology.TRANSITION_SUPPORT: 5,
}
CONTACT_TYPES = {
    ContactType.ONE_TO_ONE: 46,
    ContactType.PHONE: 12,
    ContactType.TEXT_OR_ONLINE: 11,
    ContactType.FAMILY: 8,
    ContactType.MULTI_AGENCY: 7,
    ContactType.GROUP: 5,
    ContactType.ATTEMPTED: 11,
}
DURATIONS = {
    ContactType.ONE_TO_ONE: (45, 150),
    ContactType.GROUP: (90, 180),
    ContactType.FAMILY: (45, 120),
    ContactType.PHONE: (5, 30),
    ContactType.TEXT_OR_ONLINE: (5, 20),
    ContactType.MULTI_AGENCY: (45, 120),
    ContactType.ATTEMPTED: (15, 60),
}
PRESENT = {
    ContactType.ONE_TO_ONE: ["{name}"],
    ContactType.GROUP: ["{name} and five other young people", "{name} and the group work programme"],
    ContactType.FAMILY: ["{name} and their parent", "{name}, their carer and a younger sibling"],
    ContactType.PHONE: ["{name}", "{name}'s carer"],
    ContactType.TEXT_OR_ONLINE: ["{name}"],
    ContactType.MULTI_AGENCY: ["Social worker, police, school designated safeguarding lead"],
    ContactType.ATTEMPTED: [""],
}
SCREENING_NOTES = [
    "Completed with {name} and the social worker.",
    "Completed from the social worker's knowledge and the police intelligence.",
    "{name} did not want to take part; completed from what is known.",
    "",
    "",
]
OVERRIDE_REASONS = {
    "up": "Professional judgement: police intelligence received this week is not yet reflected in the indicators",
    "down": "Professional judgement: the indicators are historical and the new placement is holding",
}
SAFETY_MAP = {
    SafetyMapEntry.Kind.SAFE_PLACE: [
        ("{town} Youth Centre", "Staff {name} trusts; open late on Thursdays"),
        ("Nan's house", "Calm, and {name} can stay over when things are hard at home"),
        ("The school library", "Quiet at lunchtime, away from the group"),
    ],
    SafetyMapEntry.Kind.UNSAFE_PLACE: [
        ("The park behind the leisure centre, {town}", "Older lads wait there after dark"),
        ("The underpass by {town} station", "Where {name} was robbed; people deal there"),
        ("A flat on the estate in {town}", "Adults who give out cannabis and ask for favours"),
        ("The car park behind the takeaway", "Where cars pick young people up"),
    ],
    SafetyMapEntry.Kind.SAFE_ADULT: [
        ("Nan", "Listens and does not judge"),
        ("Football coach", "Knows {name} well and checks in"),
        ("Form tutor", "The adult at school {name} goes to"),
    ],
    SafetyMapEntry.Kind.UNSAFE_ADULT: [
        ("An older male known by a nickname", "Gives {name} money and asks for favours"),
        ("A man in a grey car", "Has offered {name} lifts and cigarettes"),
    ],
    SafetyMapEntry.Kind.TRUSTED_CONTACT: [
        ("Youth support worker", "Call or text in working hours"),
        ("Out-of-hours social care team", "Call if {name} feels unsafe at night"),
        ("Aunt", "Will come and pick {name} up"),
    ],
}
GOALS = {
    Plan.Kind.SAFETY: [
        "{name} knows where and with whom they are safe, and what to do if they feel unsafe",
        "{name} is home by the agreed time on school nights",
    ],
    Plan.Kind.SUPPORT: [
        "{name} goes back to full-time education",
        "{name} takes part in one positive activity each week",
        "{name} and their family get on better at home",
        "{name} knows where to get help with their emotional health",
        "{name} has a college place for September",
    ],
    Plan.Kind.DISRUPTION: [
        "The adults exploiting {name} are disrupted",
        "The places where {name} is exploited are made safer",
    ],
}
ACTIONS = {
    Plan.Kind.SAFETY: [
        "Go through the safety map with {name} and their carer",
        "Agree a code word {name} can text if they need picking up",
        "Share the safety plan with the out-of-hours team",
    ],
    Plan.Kind.SUPPORT: [
        "Arrange a meeting with the school about a return to full-time education",
        "Take {name} to the boxing club taster session",
        "Refer {name} to the young people's counselling service",
        "Help {name} apply for college",
        "Book a family session to agree house rules",
    ],
    Plan.Kind.DISRUPTION: [
        "Police to consider a child abduction warning notice",
        "Share intelligence about the flat with the housing provider",
        "Ask the licensing team to review the takeaway's late licence",
        "Refer to the National Referral Mechanism",
    ],
}
PLAN_TITLES = {
    Plan.Kind.SAFETY: "Keeping {name} safe",
    Plan.Kind.SUPPORT: "{name}'s support plan",
    Plan.Kind.DISRUPTION: "Disrupting the exploitation of {name}",
}
PLAN_SUMMARIES = {
    Plan.Kind.SAFETY: "Where {name} is safe and unsafe, who to call, and what {name} and the adults around them do "
    "at risky moments.",
    Plan.Kind.SUPPORT: "What {name} wants to change, and the support to get there.",
    Plan.Kind.DISRUPTION: "What the agencies do to disrupt the adults and the places involved.",
}
ACTION_OWNERS = ["{name}", "Parent", "Carer", "Foster carer"]
REVIEW_SUMMARIES = {
    "down": [
        "Risk has come down: no missing episodes since the last review and {name} is going to school most days.",
        "{name} has stopped seeing the older group and is at the boxing club twice a week.",
    ],
    "same": [
        "Much the same as at the last review: {name} engages with sessions but is still out late at weekends.",
        "Steady: attendance is up a little; the concerns about the park remain.",
    ],
    "up": [
        "Risk has risen: two missing episodes and {name} was found in another town. Plan tightened.",
        "New concerns: police stopped {name} with cash. Safety plan reviewed with {name} and the carer.",
    ],
}
REVIEW_CHANGES = [
    "",
    "Added a weekly check-in call on Fridays",
    "School to move {name}'s timetable back to full days",
    "Police to increase patrols at the park",
]
FEEDBACK_COMMENTS = [
    "My worker listens and doesn't judge me.",
    "It helped having someone to talk to who wasn't social services.",
    "Sessions were sometimes cancelled at short notice.",
    "Getting into boxing was the best thing.",
    "They helped us talk to each other again at home.",
    "",
]
OUTCOME_SUMMARIES = {
    CaseClosure.Reason.PLANNED_ENDING: "The plan's goals were met: {name} is in education, has not been missing "
    "for three months and can name safe adults and places.",
    CaseClosure.Reason.DISENGAGED: "{name} stopped engaging after repeated attempts by phone, text and home "
    "visits; the social worker is aware and the door stays open.",
    CaseClosure.Reason.MOVED_AWAY: "{name} moved out of the county; the new area's youth service has the "
    "safety plan and a handover call took place.",
    CaseClosure.Reason.ESCALATED: "Risk rose beyond what youth support work can hold: {name} is now worked with "
    "by the complex safeguarding team.",
    CaseClosure.Reason.TRANSFERRED: "Transferred at 18 to the leaving-care personal adviser, with a joint "
    "handover visit and the transition plan.",
    CaseClosure.Reason.OTHER: "{name} was remanded to custody; the youth justice service leads.",
}
OTHER_CLOSURE_DETAIL = ["Young person remanded to custody", "Family declined further support"]
APPROVAL_COMMENTS = ["Agreed.", "Agreed: good work.", "Agreed; the social worker has been told.", "Agreed."]
FORMULATION = {
    "presenting": "{name} goes missing, spends time with older young people involved in supply and has been "
    "found with cash. Sleep is poor and {name} is often angry at home.",
    "predisposing": "Early experience of domestic abuse; several school moves; a diagnosis of ADHD not well supported.",
    "precipitating": "Permanent exclusion last year, and a close friend's move away.",
    "perpetuating": "Money and status from the group; shame about debts; mistrust of professionals.",
    "protective": "A grandparent {name} trusts; likes football; is good with younger children.",
}
CONSULTATION_NOTES = [
    (
        "Youth support worker, senior practitioner, clinical psychologist",
        "Thought together about why {name} keeps going back to the group despite the harm: belonging and "
        "status matter more to {name} than the money.",
        "Worker to offer a role in the football session; psychologist to join the next review.",
    ),
    (
        "Youth support worker, social worker, clinical psychologist",
        "Discussed the worker's worry about {name}'s self-harm and how to talk about it in sessions.",
        "Worker to use the safety plan's coping section; referral to CAMHS discussed with the carer.",
    ),
]
JOINT_OUTCOMES = {
    JointWorkingKind.JOINT_VISIT: "Visited {name} together; agreed one message about staying away from the park.",
    JointWorkingKind.JOINT_ALLOCATION: "Both services working with {name}: youth work weekly, the partner fortnightly.",
    JointWorkingKind.CONSULTATION: "Advice on the risks shown by {name}'s phone use; the partner will share "
    "anything new.",
    JointWorkingKind.CASE_DISCUSSION: "Shared the picture of {name}'s peer group; actions agreed for each agency.",
}
OTHER_AGENCIES = ["Housing provider", "Local football club", "Sexual health clinic", "Careers adviser"]
TRANSITION_NOTES = {
    "adult_services": ("Referral to adult social care for a needs assessment", "Social worker"),
    "leaving_care": ("Personal adviser allocated; pathway plan meeting booked", "Leaving-care team"),
    "housing": ("Housing options appointment booked for supported accommodation", "Youth support worker"),
    "education": ("College place for September; bursary application made", "Careers adviser"),
}


def _fill(template: str, **words: str) -> str:
    return template.format(**words)


# ---------------------------------------------------------------------------
# Rows waiting to be written, in the order they are written


@dataclass
class _Rows:
    requests: list[CallInRequest] = field(default_factory=list)
    risks: list[CallInRequestRisk] = field(default_factory=list)
    transitions: list[CallInRequestTransition] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    participants: list[Any] = field(default_factory=list)
    family_young_people: list[Any] = field(default_factory=list)
    family_adults: list[Any] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sign_offs: list[SignOff] = field(default_factory=list)
    closures: list[CaseClosure] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    completions: list[OutcomeCompletion] = field(default_factory=list)
    domain_scores: list[OutcomeDomainScore] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    methodologies: list[ContactMethodology] = field(default_factory=list)
    versions: list[ContactVersion] = field(default_factory=list)
    present_users: list[Any] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    plan_sign_offs: list[PlanSignOff] = field(default_factory=list)
    safety_map: list[SafetyMapEntry] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    transition_plans: list[TransitionPlan] = field(default_factory=list)
    formulations: list[Formulation] = field(default_factory=list)
    revised_formulations: list[Formulation] = field(default_factory=list)
    consultation_notes: list[ConsultationNote] = field(default_factory=list)
    joint_working: list[JointWorkingRecord] = field(default_factory=list)

    def write(self, counts: dict[str, int]) -> None:
        """Parents before children: bulk_create sets each parent's pk, which
        the children pick up from the instances they hold."""
        for name, rows in vars(self).items():
            if not rows:
                continue
            model = type(rows[0])
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            counts[name] = counts.get(name, 0) + len(rows)
            rows.clear()


@dataclass
class _CaseContext:
    """What the casework of one case needs to hand."""

    plan: RequestPlan
    request: CallInRequest
    case: Case
    name: str
    town: str
    school: str
    worker_id: int
    manager_id: int
    lead_id: int | None
    allocated: dt.date
    last_day: dt.date  # the last day work was recorded: the day closure was asked for, or yesterday
    closing: bool  # closed, or closure awaiting sign-off
    risk: RiskHistory
    trajectory: str
    start_level: float
    ending: str  # CaseClosure.Reason, or "" while open
    risks: list[str]


class Casework:
    def __init__(
        self,
        *,
        rng: random.Random,
        county: County,
        staffing: Staffing,
        people: list[Person],
        today: dt.date,
        progress: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.rng = rng
        self.county = county
        self.staffing = staffing
        self.people = people
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.now = timezone.now()
        self.progress = progress
        self.rows = _Rows()
        self.counts: dict[str, int] = {}
        self.risk_histories: dict[int, RiskHistory] = {}
        self.schools: dict[int, list[str]] = {}
        self.open_screening_involvements = 0
        self.plan_actions: dict[int, list[Action]] = defaultdict(list)

    # The whole service ----------------------------------------------------

    def build(self, requests: list[RequestPlan]) -> dict[str, int]:
        self._look_up(requests)
        ordered = sorted(requests, key=lambda r: (r.received, r.person.pk))
        self._choose_demo_moments(ordered)
        self._write_capacities()
        with recorded_times(TIMESTAMPED_MODELS):
            for start in range(0, len(ordered), REQUESTS_PER_BATCH):
                for plan in ordered[start : start + REQUESTS_PER_BATCH]:
                    self._request(plan)
                self.rows.write(self.counts)
                self.plan_actions.clear()
                self.progress(f"  {min(start + REQUESTS_PER_BATCH, len(ordered)):,} call-in requests")
        return {
            "call-in requests": self.counts.get("requests", 0),
            "accepted requests": sum(1 for r in requests if r.state == State.ACCEPTED),
            "waiting for allocation": sum(1 for r in requests if r.state == State.ACCEPTED and r.case is None),
            "cases": self.counts.get("cases", 0),
            "open cases": sum(1 for r in requests if r.case is not None and r.case.end is None),
            "contacts": self.counts.get("contacts", 0),
            "screenings": self.counts.get("screenings", 0),
            "outcome tool completions": self.counts.get("completions", 0),
            "plans": self.counts.get("plans", 0),
            "plan reviews": self.counts.get("reviews", 0),
            "case closures": self.counts.get("closures", 0),
        }

    def _look_up(self, requests: list[RequestPlan]) -> None:
        """Everything the rows refer to, in a few queries."""
        if not ScreeningTool.objects.filter(slug=SCREENING_SLUG, is_active=True).exists():
            load_shipped_tools()  # a database migrated without the post-migrate hook
        self.screening_tool = ScreeningTool.objects.get(slug=SCREENING_SLUG, is_active=True)
        self.outcome_tool = OutcomeTool.objects.get(slug=OUTCOMES_SLUG, is_active=True)
        self.screening_definition: ScreeningDefinition = self.screening_tool.parsed
        self.outcome_definition: OutcomeDefinition = self.outcome_tool.parsed

        teams = {r.team for r in requests}
        team_ids = {self.county.teams[key].pk: key for key in teams}
        self.call_in_involvements: dict[tuple[int, int, dt.date], tuple[int, dt.datetime, dt.datetime | None]] = {}
        rows = Involvement.objects.filter(reason=Involvement.Reason.CALL_IN, team_id__in=team_ids).values_list(
            "pk", "team_id", "young_person_id", "opened_at", "closed_at"
        )
        for pk, team_id, young_person_id, opened_at, closed_at in rows:
            key = (team_id, young_person_id, opened_at.astimezone(dt.UTC).date())
            self.call_in_involvements[key] = (pk, opened_at, closed_at)

        self.first_names = dict(YoungPerson.objects.values_list("pk", "first_name"))
        self.family_members: dict[int, list[Person]] = defaultdict(list)
        for person in self.people:
            if person.family > 0:
                self.family_members[person.family].append(person)
        households = sorted({r.person.family for r in requests if r.person.family > 0})
        self.household_adults: dict[int, list[int]] = defaultdict(list)
        through = Household.adults.through
        for start in range(0, len(households), 900):
            for household_id, adult_id in through.objects.filter(
                household_id__in=households[start : start + 900]
            ).values_list("household_id", "adult_id"):
                self.household_adults[household_id].append(adult_id)

        self.users: dict[int, User] = {}
        for user in self.staffing.demo_users.values():
            self.users[user.pk] = user
        for workers in self.staffing.workers.values():
            for user in workers:
                self.users[user.pk] = user
        for user in self.staffing.managers.values():
            self.users[user.pk] = user
        demo = self.staffing.demo_users
        self.senior_practitioners = {"tyss_north": demo["senior"].pk}
        self.psychologists = {"tyss_north": demo["psychologist"].pk}
        self.partners = [
            self.county.organisations[key] for key in ("police", "health", "yjs", "harbour", "safe_streets")
        ]

    def _choose_demo_moments(self, requests: list[RequestPlan]) -> None:
        """Moments the demo shows on the demo users' pages, pinned to the demo
        youth support worker's open cases: a closure and a plan awaiting the
        manager's sign-off, an overdue review and an overdue action. Also the
        over-capacity sign-offs: a worker holding more families than the
        team's capacity had the latest of them signed off by the manager."""
        ysw = self.staffing.demo_users["ysw"].pk
        open_cases = [r for r in requests if r.case is not None and r.case.end is None]
        ysw_cases = sorted((r for r in open_cases if r.case and r.case.worker_id == ysw), key=lambda r: r.received)
        self.pending_closure: RequestPlan | None = ysw_cases[0] if ysw_cases else None
        self.overdue_review = ysw_cases[1] if len(ysw_cases) > 1 else None
        self.overdue_action = ysw_cases[2] if len(ysw_cases) > 2 else None
        self.awaiting_plan = ysw_cases[-1] if len(ysw_cases) > 3 else None

        # Second workers on open cases are chosen here, since they count
        # towards what a worker holds.
        self.second_workers: dict[int, int | None] = {}
        families: dict[int, dict[int, RequestPlan]] = defaultdict(dict)
        for plan in open_cases:
            if plan.case is None or plan.case.worker_id is None:
                continue
            second = self._second_worker(plan.team, plan.case.worker_id)
            self.second_workers[id(plan)] = second
            for holder in (plan.case.worker_id, second):
                if holder is None:
                    continue
                held = families[holder]
                if plan.person.family not in held or held[plan.person.family].received < plan.received:
                    held[plan.person.family] = plan
        self.over_capacity: set[int] = set()
        for held in families.values():
            if len(held) > TeamCapacity._meta.get_field("families_per_worker").default:
                latest = max(held.values(), key=lambda r: r.received)
                self.over_capacity.add(id(latest))

    def _write_capacities(self) -> None:
        """The teams' capacities as the service designs set them."""
        rows = []
        for key, per_worker in (("tyss_north", 7), ("tyss_south", 7), ("art", 9)):
            if key in self.county.teams:
                workers = len(self.staffing.workers.get(key, []))
                rows.append(
                    TeamCapacity(
                        team=self.county.teams[key],
                        families_per_worker=per_worker,
                        team_families=max(1, workers * per_worker) if workers else None,
                        updated_by=self.staffing.managers.get(key),
                    )
                )
        TeamCapacity.objects.bulk_create(rows)

    # One request ----------------------------------------------------------

    def _request(self, plan: RequestPlan) -> None:
        rng = self.rng
        person = plan.person
        name = self.first_names.get(person.pk, "The young person")
        town = self.county.localities[person.locality].name
        team = self.county.teams[plan.team]
        manager_id = self.staffing.managers[plan.team].pk
        lead_id = plan.lead.worker_id
        source_team = self.county.teams[plan.lead.team]
        involvement = (
            self.call_in_involvements.get((team.pk, person.pk, plan.received)) if plan.case is not None else None
        )
        received_at = involvement[1] if involvement else _at(plan.received, rng.randint(9, 16), rng.randint(0, 59))
        recorder = lead_id if lead_id is not None and rng.random() < 0.8 else manager_id

        risks = self._risks()
        contexts = [c.value for c in Context if any(c in RISK_CONTEXTS[r] for r in risks) and rng.random() < 0.7]
        contexts = contexts or [RISK_CONTEXTS[risks[0]][0].value]
        decided = plan.state in (State.ACCEPTED, State.DECLINED, State.SIGNPOSTED, State.WITHDRAWN)
        young_consent, family_consent = self._consents(plan.state)
        request = CallInRequest(
            young_person_id=person.pk,
            service_team_id=team.pk,
            source_team_id=source_team.pk,
            lead_practitioner_id=lead_id,
            recorded_by_id=recorder,
            received_at=received_at,
            state=State.RECEIVED,
            state_changed_at=received_at,
            contexts=[str(c) for c in contexts],
            tried_so_far=_fill(rng.choice(TRIED_SO_FAR), name=name, town=town),
            young_person_consent=young_consent,
            family_consent=family_consent,
            social_care_status=LEGAL_TO_SOCIAL_CARE.get(plan.lead.legal_status, SocialCareStatus.CHILD_IN_NEED),
            created_at=received_at,
            updated_at=received_at,
        )
        self.rows.requests.append(request)
        self.rows.risks += [CallInRequestRisk(request=request, risk=risk) for risk in risks]
        self._family(request, person)

        history = self._risk_history(person, risks)
        low, high = REQUEST_LEVELS[State(plan.state)]
        history.level = rng.uniform(low, high) if not history.days else max(history.level, rng.uniform(low, high))

        # The referrer completes the screening with the request (most do); the
        # consultation completes it when they did not.
        screened = lead_id is not None and rng.random() < 0.85
        if screened and lead_id is not None:
            at = received_at + dt.timedelta(minutes=rng.randint(5, 90))
            self._screening(person, history, at, lead_id, request=request)

        steps = self._steps(plan)
        moments = self._moments(received_at, plan, len(steps))
        words = {"name": name, "town": town, "school": self._school(person)}
        accepted_at: dt.datetime | None = None
        previous: str = State.RECEIVED
        for (to_state, via_consultation), at in zip(steps, moments, strict=True):
            by, reason = self._mover(to_state, manager_id, lead_id, words)
            if via_consultation:
                if not screened:
                    before = max(at - dt.timedelta(minutes=30), received_at + dt.timedelta(minutes=1))
                    self._screening(person, history, before, manager_id, request=request)
                    screened = True
                reason = self._consultation(request, plan, to_state, at, manager_id, lead_id, words)
            self.rows.transitions.append(
                CallInRequestTransition(
                    request=request, from_state=previous, to_state=to_state, at=at, by_id=by, reason=reason
                )
            )
            previous = to_state
            request.state = to_state
            request.state_changed_at = at
            if to_state == State.ACCEPTED:
                accepted_at = at
            if to_state == State.IN_CONSULTATION and rng.random() < 0.3:
                self._priority(request, history, at, manager_id, words)
        if accepted_at is not None:
            self._priority(request, history, accepted_at, manager_id, words)
        request.updated_at = request.state_changed_at

        if plan.case is not None:
            if accepted_at is None or involvement is None:
                raise RuntimeError(f"The case of {plan} has no accepted request or no involvement")
            self._case(plan, request, involvement, accepted_at, history, words, risks)
        else:
            closes = plan.state in (State.DECLINED, State.SIGNPOSTED, State.WITHDRAWN)
            last = self.rows.transitions[-1] if decided and steps else None
            self.open_screening_involvements += 0 if closes else 1
            self.rows.involvements.append(
                Involvement(
                    team_id=team.pk,
                    young_person_id=person.pk,
                    reason=Involvement.Reason.CALL_IN,
                    worker=None,
                    opened_at=received_at,
                    opened_by_id=recorder,
                    closed_at=last.at if closes and last else None,
                    closed_by_id=last.by_id if closes and last else None,
                    closure_reason=f"Call-in request {State(plan.state).label.lower()}" if closes else "",
                )
            )

    def _risks(self) -> list[str]:
        rng = self.rng
        first = rng.choices(list(RISK_WEIGHTS), weights=list(RISK_WEIGHTS.values()))[0]
        risks: list[str] = [first]
        for companion in RISK_COMPANIONS[first]:
            if rng.random() < 0.35 and len(risks) < 4:
                risks.append(companion)
        return [r.value if isinstance(r, Risk) else r for r in risks]

    def _consents(self, state: str) -> tuple[str, str]:
        rng = self.rng
        if state == State.ACCEPTED:
            young = Consent.GIVEN if rng.random() < 0.9 else Consent.NOT_YET_ASKED
        elif state == State.DECLINED and rng.random() < 0.25:
            young = Consent.REFUSED
        else:
            young = rng.choices([Consent.GIVEN, Consent.NOT_YET_ASKED, Consent.REFUSED], weights=[70, 25, 5])[0]
        family = rng.choices([Consent.GIVEN, Consent.NOT_YET_ASKED, Consent.REFUSED], weights=[82, 14, 4])[0]
        return young.value, family.value

    def _family(self, request: CallInRequest, person: Person) -> None:
        """Siblings or a parent the service is asked to work with too."""
        rng = self.rng
        if person.family <= 0:
            return
        siblings = [p for p in self.family_members[person.family] if p.pk != person.pk]
        if siblings and rng.random() < 0.15:
            sibling = rng.choice(siblings)
            self.rows.family_young_people.append(
                CallInRequest.family_young_people.through(callinrequest=request, youngperson_id=sibling.pk)
            )
        adults = self.household_adults.get(person.family)
        if adults and rng.random() < 0.3:
            self.rows.family_adults.append(
                CallInRequest.family_adults.through(callinrequest=request, adult_id=rng.choice(adults))
            )

    def _steps(self, plan: RequestPlan) -> list[tuple[str, bool]]:
        """The states the request went through after it was received, each
        with whether a consultation moved it there."""
        rng = self.rng
        state = plan.state
        if state in (State.ACCEPTED, State.DECLINED, State.SIGNPOSTED):
            paths = [
                [(State.IN_CONSULTATION, False), (state, True)],
                [(state, True)],
                [(State.MORE_INFORMATION, False), (State.RECEIVED, False), (State.IN_CONSULTATION, False),
                 (state, True)],
                [(State.IN_CONSULTATION, False), (State.MORE_INFORMATION, True), (State.IN_CONSULTATION, False),
                 (state, True)],
            ]  # fmt: skip
            return rng.choices(paths, weights=[55, 15, 15, 15])[0]
        if state == State.WITHDRAWN:
            paths = [
                [(State.WITHDRAWN, False)],
                [(State.IN_CONSULTATION, False), (State.WITHDRAWN, False)],
                [(State.MORE_INFORMATION, False), (State.WITHDRAWN, False)],
            ]
            return rng.choices(paths, weights=[40, 35, 25])[0]
        if state == State.RECEIVED:
            return [] if rng.random() < 0.85 else [(State.MORE_INFORMATION, False), (State.RECEIVED, False)]
        if state == State.IN_CONSULTATION:
            if rng.random() < 0.85:
                return [(State.IN_CONSULTATION, False)]
            return [(State.MORE_INFORMATION, False), (State.RECEIVED, False), (State.IN_CONSULTATION, False)]
        return (
            [(State.MORE_INFORMATION, False)]
            if rng.random() < 0.7
            else [
                (State.IN_CONSULTATION, False),
                (State.MORE_INFORMATION, True),
            ]
        )

    def _moments(self, received_at: dt.datetime, plan: RequestPlan, steps: int) -> list[dt.datetime]:
        """When each step happened: in working hours between receipt and the
        decision (or yesterday, for a request not yet decided)."""
        rng = self.rng
        if not steps:
            return []
        last_day = plan.decided or self.yesterday
        end = _at(last_day, rng.randint(10, 16), rng.randint(0, 59))
        if end <= received_at:
            end = received_at + dt.timedelta(minutes=rng.randint(30, 240))
        span = (end - received_at).total_seconds()
        points = sorted(rng.uniform(0.1, 0.95) * span for _ in range(steps - 1))
        moments = [received_at + dt.timedelta(seconds=int(p)) for p in points] + [end]
        for i in range(1, len(moments)):
            if moments[i] <= moments[i - 1]:
                moments[i] = moments[i - 1] + dt.timedelta(minutes=5)
        return moments

    def _mover(self, to_state: str, manager_id: int, lead_id: int | None, words: dict[str, str]) -> tuple[int, str]:
        rng = self.rng
        requester = lead_id if lead_id is not None else manager_id
        if to_state == State.IN_CONSULTATION:
            return manager_id, ""
        if to_state == State.MORE_INFORMATION:
            return manager_id, _fill(rng.choice(MORE_INFORMATION_REASONS), **words)
        if to_state == State.RECEIVED:
            return requester, _fill(rng.choice(INFORMATION_ARRIVED), **words)
        if to_state == State.WITHDRAWN:
            return requester, _fill(rng.choice(WITHDRAWAL_REASONS), **words)
        return manager_id, ""

    def _consultation(
        self,
        request: CallInRequest,
        plan: RequestPlan,
        decision: str,
        at: dt.datetime,
        manager_id: int,
        lead_id: int | None,
        words: dict[str, str],
    ) -> str:
        rng = self.rng
        reason = _fill(rng.choice(DECISION_REASONS[Decision(decision)]), **words)
        if decision == Decision.ACCEPTED:
            criteria = [rng.random() < 0.8, rng.random() < 0.7, rng.random() < 0.6]
            if not any(criteria):
                criteria[0] = True
        elif decision == Decision.MORE_INFORMATION:
            criteria = [rng.random() < 0.4, rng.random() < 0.3, False]
        else:
            criteria = [rng.random() < 0.15, False, rng.random() < 0.2]
        directed = ""
        if decision in (Decision.DECLINED, Decision.SIGNPOSTED):
            directed = _fill(rng.choice(DIRECTED_TO), **words)
        consultation = Consultation(
            request=request,
            held_on=_local_day(at),
            other_participants=_fill(rng.choice(OTHER_PARTICIPANTS), **words) if rng.random() < 0.35 else "",
            risk_is_complex=criteria[0],
            contextual_approach_needed=criteria[1],
            youth_work_would_benefit=criteria[2],
            decision=decision,
            reason=reason,
            directed_to=directed,
            decided_by_id=manager_id,
            recorded_at=at,
        )
        self.rows.consultations.append(consultation)
        people = [manager_id] + ([lead_id] if lead_id is not None else [])
        senior = self.senior_practitioners.get(plan.team)
        if senior is not None and rng.random() < 0.4:
            people.append(senior)
        through = Consultation.participants.through
        self.rows.participants += [through(consultation=consultation, user_id=user_id) for user_id in people]
        return reason

    def _priority(
        self, request: CallInRequest, history: RiskHistory, at: dt.datetime, manager_id: int, words: dict[str, str]
    ) -> None:
        rng = self.rng
        tier = history.tier_on(_local_day(at))
        proposed = TIER_PRIORITY[tier] if tier else ""
        priority, reason = proposed, ""
        if not proposed:
            priority = rng.choice([Priority.MEDIUM, Priority.HIGH])
            reason = rng.choice(PRIORITY_REASONS["none"])
        elif rng.random() < 0.15:
            index = PRIORITY_ORDER.index(Priority(proposed))
            if index < 3 and (index == 0 or rng.random() < 0.7):
                priority, reason = PRIORITY_ORDER[index + 1], _fill(rng.choice(PRIORITY_REASONS["up"]), **words)
            elif index > 0:
                priority, reason = PRIORITY_ORDER[index - 1], _fill(rng.choice(PRIORITY_REASONS["down"]), **words)
        request.priority = priority
        request.priority_reason = reason
        request.priority_proposed = proposed
        request.priority_set_at = at
        request.priority_set_by_id = manager_id

    # Screenings and outcome tools ----------------------------------------

    def _risk_history(self, person: Person, risks: list[str]) -> RiskHistory:
        """A young person's risk history, made when they are first asked about:
        the indicators their risks tend to show as, mildest first with some
        shuffling, so that a rising level adds the more serious signs."""
        history = self.risk_histories.get(person.pk)
        if history is not None:
            return history
        rng = self.rng
        definition = self.screening_definition
        ids: list[str] = []
        for risk in risks:
            ids += [i for i in RISK_INDICATORS[risk] if i not in ids]
        extras = [i for i in definition.indicators if i not in ids]
        ids += rng.sample(extras, k=min(len(extras), rng.randint(0, 2)))
        weight_rank = {"low": 0, "medium": 1, "high": 2}
        profile = sorted(ids, key=lambda i: weight_rank.get(definition.indicators[i].weight, 1) + rng.uniform(-1, 1))
        leanings = dict.fromkeys(("family", "peers", "school", "neighbourhood", "online"), 0)
        for risk in risks:
            for context, level in CONTEXT_LEANINGS[risk].items():
                leanings[context] = max(leanings[context], level)
        history = RiskHistory(profile=profile, learning_disability=rng.random() < 0.07, leanings=leanings)
        self.risk_histories[person.pk] = history
        return history

    def _screening(
        self,
        person: Person,
        history: RiskHistory,
        at: dt.datetime,
        by: int,
        *,
        request: CallInRequest | None = None,
        case: Case | None = None,
    ) -> Screening:
        """A screening at the history's current level: the first indicators of
        the profile apply now; those that applied before but not now are
        marked by when they last did (which the tool weighs less)."""
        rng = self.rng
        day = _local_day(at)
        level = min(1.0, max(0.0, history.level + rng.uniform(-0.05, 0.05)))
        now = set(history.profile[: round(level * len(history.profile))])
        answers: dict[str, Answer] = {}
        for indicator, definition in self.screening_definition.indicators.items():
            if indicator in now:
                answers[indicator] = Answer(True, "current")
                history.last_current[indicator] = day
                history.remembered.pop(indicator, None)
                continue
            if indicator in history.last_current and indicator not in history.remembered:
                history.remembered[indicator] = rng.random() < REMEMBERED[definition.weight]
            if history.remembered.get(indicator):
                ago = (day - history.last_current[indicator]).days
                answers[indicator] = Answer(True, "last_6_months" if ago <= 183 else "earlier")
            else:
                answers[indicator] = Answer(False)
        age = _age_on(person.date_of_birth, day)
        result = score_screening(
            self.screening_definition, answers, age=age, learning_disability=history.learning_disability
        )
        tier, override_reason = result.tier, ""
        if rng.random() < 0.06:
            level_now = tier_level(result.tier)
            if level_now < 3 and (level_now == 0 or rng.random() < 0.6):
                tier, override_reason = Tier.values[level_now + 1], OVERRIDE_REASONS["up"]
            elif level_now > 0:
                tier, override_reason = Tier.values[level_now - 1], OVERRIDE_REASONS["down"]
        weighting = {
            context: max(0, min(3, lean + rng.choice([-1, 0, 0, 0, 1]))) for context, lean in history.leanings.items()
        }
        screening = Screening(
            young_person_id=person.pk,
            tool_id=self.screening_tool.pk,
            call_in_request=request,
            case=case,
            completed_at=at,
            completed_by_id=by,
            answers=answers_as_json(answers),
            context_weighting=weighting,
            learning_disability=history.learning_disability,
            age_at_screening=age,
            score=result.score,
            calculated_tier=result.tier,
            rules_applied=list(result.raised_by),
            tier=tier,
            override_reason=override_reason,
            notes=_fill(rng.choice(SCREENING_NOTES), name=self.first_names.get(person.pk, "The young person")),
            created_at=at,
            updated_at=at,
        )
        self.rows.screenings.append(screening)
        position = bisect.bisect_right(history.days, day)
        history.days.insert(position, day)
        history.tiers.insert(position, tier)
        return screening

    def _outcome(self, ctx: _CaseContext, at: dt.datetime) -> None:
        """A completion of the youth outcomes tool: scores track the risk
        (lower risk, higher scores), with each young person's own strengths."""
        rng = self.rng
        definition = self.outcome_definition
        scale = definition.scale
        answers: dict[str, int] = {}
        for item in definition.items:
            base = scale.min + (scale.max - scale.min) * (1 - ctx.risk.level) * 0.8 + 1
            value = round(base + rng.uniform(-2, 2) + (-1.5 if item.domain == "safety" and ctx.risk.level > 0.6 else 0))
            answers[item.id] = max(scale.min, min(scale.max, value))
        completion = OutcomeCompletion(
            young_person_id=ctx.plan.person.pk,
            tool_id=self.outcome_tool.pk,
            case=ctx.case,
            completed_at=at,
            completed_by_id=ctx.worker_id,
            answers=answers,
            notes="",
            created_at=at,
            updated_at=at,
        )
        self.rows.completions.append(completion)
        self.rows.domain_scores += [
            OutcomeDomainScore(completion=completion, domain=domain, score=score)
            for domain, score in domain_scores(definition, answers).items()
        ]

    # One case -------------------------------------------------------------

    def _case(
        self,
        plan: RequestPlan,
        request: CallInRequest,
        involvement: tuple[int, dt.datetime, dt.datetime | None],
        accepted_at: dt.datetime,
        history: RiskHistory,
        words: dict[str, str],
        risks: list[str],
    ) -> None:
        rng = self.rng
        if plan.case is None or plan.allocated is None or plan.case.worker_id is None:
            raise RuntimeError("Only an allocated request has a case")
        episode: Episode = plan.case
        involvement_id, _, closed_at = involvement
        worker_id: int = plan.case.worker_id
        manager_id = self.staffing.managers[plan.team].pk
        allocated_at = max(
            _at(plan.allocated, rng.randint(9, 16), rng.randint(0, 59)), accepted_at + dt.timedelta(minutes=20)
        )
        ending: str = ""
        for reason in CaseClosure.Reason:
            if episode.closure == case_closure_text(reason):
                ending = reason.value
        pending = plan is self.pending_closure
        closing = closed_at is not None or pending
        if closed_at is not None:
            requested_at = max(closed_at - dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5)),
                               allocated_at + dt.timedelta(hours=2))  # fmt: skip
        elif pending:
            ending = CaseClosure.Reason.PLANNED_ENDING.value
            requested_at = _at(self.today - dt.timedelta(days=rng.randint(1, 3)), 11, rng.randint(0, 59))
            requested_at = min(requested_at, _at(self.yesterday, 11))
        else:
            requested_at = None
        last_day = _local_day(requested_at) if requested_at else self.yesterday

        allocator = manager_id
        senior = self.senior_practitioners.get(plan.team)
        if senior is not None and senior != worker_id and rng.random() < 0.2:
            allocator = senior
        if id(plan) in self.second_workers:
            second_worker = self.second_workers[id(plan)]
        else:
            second_worker = self._second_worker(plan.team, worker_id)
        worker_name = str(self.users[worker_id]) if worker_id in self.users else "the worker"

        # Social care may close first; the worker carries on as the enduring worker.
        lead = plan.lead
        social_care_closed_on: dt.date | None = None
        support_continued: bool | None = None
        if lead.end is not None and plan.allocated < lead.end < min(last_day, self.yesterday):
            social_care_closed_on = lead.end
            support_continued = closed_at is None or (last_day - lead.end).days > 28
        enduring = bool(support_continued) or rng.random() < 0.08

        case = Case(
            young_person_id=plan.person.pk,
            call_in_request=request,
            team_id=self.county.teams[plan.team].pk,
            involvement_id=involvement_id,
            lead_practitioner_id=request.lead_practitioner_id,
            worker_id=worker_id,
            second_worker_id=second_worker,
            status=Case.Status.CLOSED if closed_at else Case.Status.OPEN,
            allocated_at=allocated_at,
            allocated_by_id=allocator,
            allocation_comment=_fill(rng.choice(ALLOCATION_COMMENTS), worker=worker_name, **words)
            if rng.random() < 0.5
            else "",
            young_person_chose_worker=rng.random() < 0.08,
            enduring_worker=enduring,
            social_care_closed_on=social_care_closed_on,
            support_continued=support_continued,
            closed_at=closed_at,
            created_at=allocated_at,
            updated_at=closed_at or allocated_at,
        )
        self.rows.cases.append(case)
        if id(plan) in self.over_capacity:
            why = _fill(rng.choice(OVER_CAPACITY_REASONS), worker=worker_name, **words)
            self.rows.sign_offs.append(
                SignOff(
                    case=case,
                    kind=SignOff.Kind.OVER_CAPACITY,
                    status=SignOff.Status.APPROVED,
                    requested_by_id=allocator,
                    requested_at=allocated_at,
                    reason=why,
                    decided_by_id=manager_id,
                    decided_at=min(allocated_at + dt.timedelta(hours=rng.randint(0, 20)), self.now),
                    comment="Agreed for now: review at the next supervision",
                )
            )

        trajectory = self._weighted(TRAJECTORY_BY_ENDING[CaseClosure.Reason(ending) if ending else ""])
        ctx = _CaseContext(
            plan=plan,
            request=request,
            case=case,
            name=words["name"],
            town=words["town"],
            school=words["school"],
            worker_id=worker_id,
            manager_id=manager_id,
            lead_id=request.lead_practitioner_id,
            allocated=_local_day(allocated_at),
            last_day=last_day,
            closing=closing,
            risk=history,
            trajectory=trajectory,
            start_level=history.level,
            ending=ending,
            risks=risks,
        )
        self._case_screenings_and_outcomes(ctx)
        self._contacts(ctx, second_worker)
        self._plans(ctx)
        self._psychology(ctx)
        self._joint_working(ctx)
        self._transition_plan(ctx)
        if rng.random() < 0.03 and (last_day - ctx.allocated).days > 60:
            self._declined_closure(ctx)
        if requested_at is not None:
            self._closure(ctx, requested_at, closed_at)

    def _level_on(self, ctx: _CaseContext, day: dt.date) -> float:
        span = max(30, (ctx.last_day - ctx.allocated).days) if ctx.closing else 200
        f = min(1.0, max(0.0, (day - ctx.allocated).days / span))
        return min(1.0, max(0.03, TRAJECTORIES[ctx.trajectory](ctx.start_level, f)))

    def _case_screenings_and_outcomes(self, ctx: _CaseContext) -> None:
        rng = self.rng
        person = ctx.plan.person
        history = ctx.risk
        latest = history.days[-1] if history.days else None
        day = ctx.allocated + dt.timedelta(days=rng.randint(2, 10))
        if latest is not None and (day - latest).days < 28:
            day = latest + dt.timedelta(days=rng.randint(42, 63))
        while day <= ctx.last_day:
            history.level = self._level_on(ctx, day)
            self._screening(person, history, _at(day, rng.randint(9, 18), rng.randint(0, 59)), ctx.worker_id,
                            case=ctx.case)  # fmt: skip
            day += dt.timedelta(days=rng.randint(56, 84))
        if ctx.closing and rng.random() < 0.85 and (not history.days or history.days[-1] < ctx.last_day):
            history.level = self._level_on(ctx, ctx.last_day)
            self._screening(person, history, _at(ctx.last_day, 9, rng.randint(0, 59)), ctx.worker_id, case=ctx.case)

        interval = self.outcome_definition.repeat_interval_days or 84
        day = ctx.allocated + dt.timedelta(days=rng.randint(5, 20))
        while day <= ctx.last_day:
            history.level = self._level_on(ctx, day)
            self._outcome(ctx, _at(day, rng.randint(10, 17), rng.randint(0, 59)))
            day += dt.timedelta(days=interval + rng.randint(-10, 14))
        if ctx.ending == CaseClosure.Reason.PLANNED_ENDING and rng.random() < 0.7:
            history.level = self._level_on(ctx, ctx.last_day)
            self._outcome(ctx, _at(ctx.last_day, 10, rng.randint(0, 59)))
        history.level = self._level_on(ctx, ctx.last_day)

    # Contacts ----------------------------------------------------------------

    def _contacts(self, ctx: _CaseContext, second_worker: int | None) -> None:
        rng = self.rng
        # The first contact is due within 5 working days of acceptance: most are in time.
        first_gap = rng.choices([1, 2, 3, 4, 6, 8], weights=[35, 30, 15, 8, 7, 5])[0]
        day = add_working_days(ctx.allocated, first_gap)
        first = True
        while day <= ctx.last_day:
            if day.weekday() >= 5 and rng.random() < 0.75:
                # Most work is in the week: the Monday after.
                day += dt.timedelta(days=7 - day.weekday())
                if day > ctx.last_day:
                    break
            level = self._level_on(ctx, day)
            kind = ContactType.ONE_TO_ONE if first else self._weighted(CONTACT_TYPES)
            if not first and ctx.trajectory in ("fluctuating", "escalating") and rng.random() < 0.08:
                kind = ContactType.ATTEMPTED
            # The second worker works with the parent or carer.
            recorder = ctx.worker_id
            if second_worker is not None and (kind == ContactType.FAMILY or rng.random() < 0.1):
                recorder = second_worker
            self._contact(ctx, day, kind, recorder)
            first = False
            gap = max(1, round(rng.expovariate(1 / 10) * (1.25 - 0.5 * level)))
            day += dt.timedelta(days=min(gap, 24))

    def _contact(self, ctx: _CaseContext, day: dt.date, kind: str, recorder: int) -> None:
        rng = self.rng
        words = {"name": ctx.name, "town": ctx.town, "place": "", "school": ctx.school}
        words["place"] = _fill(rng.choice(PLACES), **words)
        out_of_hours = day.weekday() >= 5 or rng.random() < 0.1
        hour = rng.randint(18, 20) if out_of_hours and day.weekday() < 5 else rng.randint(9, 17)
        occurred_at = _at(day, hour, rng.choice([0, 15, 30, 45]))
        critical = CriticalMoment.NONE
        sensitive = False
        if kind != ContactType.ATTEMPTED and rng.random() < 0.04:
            critical = rng.choice(
                [CriticalMoment.EXCLUSION, CriticalMoment.ARREST_OR_CUSTODY, CriticalMoment.HOSPITAL_ATTENDANCE]
            )
            narrative = _fill(CRITICAL_NARRATIVES[critical], **words)
            kind = ContactType.ONE_TO_ONE
        elif kind in (ContactType.ONE_TO_ONE, ContactType.PHONE) and rng.random() < 0.05:
            sensitive = True
            narrative = _fill(rng.choice(SENSITIVE_NARRATIVES), **words)
        else:
            narrative = _fill(rng.choice(NARRATIVES[kind]), **words)
        low, high = DURATIONS[ContactType(kind)]
        duration = rng.randrange(low, high + 1, 5)
        location = "" if kind in (ContactType.PHONE, ContactType.TEXT_OR_ONLINE) else words["place"]
        if kind == ContactType.FAMILY:
            location = "home"
        methodologies: list[str] = []
        if kind != ContactType.ATTEMPTED:
            for _ in range(rng.choice([1, 1, 2, 2, 3])):
                chosen = self._weighted(METHODOLOGY_WEIGHTS)
                if chosen not in methodologies:
                    methodologies.append(chosen)
            if critical != CriticalMoment.NONE and Methodology.SAFETY_PLANNING not in methodologies:
                methodologies.append(Methodology.SAFETY_PLANNING.value)
            methodologies = [m for m in Methodology.values if m in methodologies]
        present = _fill(rng.choice(PRESENT[ContactType(kind)]), **words)
        staff_present = [ctx.lead_id] if kind == ContactType.MULTI_AGENCY and ctx.lead_id and rng.random() < 0.4 else []
        edited = rng.random() < 0.04
        original = narrative
        if edited:
            narrative = f"{narrative} {rng.choice(['Social worker informed.', 'Police reference noted.'])}"
        recorded_at = min(occurred_at + dt.timedelta(hours=rng.randint(1, 20)), self.now)
        contact = Contact(
            case=ctx.case,
            young_person_id=ctx.plan.person.pk,
            occurred_at=occurred_at,
            duration_minutes=duration,
            contact_type=kind,
            present=present,
            location=location,
            out_of_hours=out_of_hours,
            critical_moment=critical,
            narrative=narrative,
            sensitive=sensitive,
            recorded_by_id=recorder,
            version=2 if edited else 1,
            created_at=recorded_at,
            updated_at=recorded_at,
        )
        self.rows.contacts.append(contact)
        self.rows.methodologies += [ContactMethodology(contact=contact, methodology=m) for m in methodologies]
        through = Contact.present_users.through
        self.rows.present_users += [through(contact=contact, user_id=user_id) for user_id in staff_present]
        snapshot = {
            "occurred_at": occurred_at.astimezone(dt.UTC).isoformat(),
            "duration_minutes": duration,
            "contact_type": kind,
            "present": present,
            "present_users": [{"id": u, "name": str(self.users[u]) if u in self.users else ""} for u in staff_present],
            "location": location,
            "methodologies": methodologies,
            "out_of_hours": out_of_hours,
            "critical_moment": critical,
            "sensitive": sensitive,
            "narrative": original,
        }
        self.rows.versions.append(
            ContactVersion(
                contact=contact,
                version=1,
                recorded_by_id=recorder,
                recorded_at=recorded_at,
                sensitive=sensitive,
                snapshot=snapshot,
                changed_fields=[],
            )
        )
        if edited:
            changed_at = min(recorded_at + dt.timedelta(days=rng.randint(1, 3)), self.now)
            contact.updated_at = changed_at
            self.rows.versions.append(
                ContactVersion(
                    contact=contact,
                    version=2,
                    recorded_by_id=recorder,
                    recorded_at=changed_at,
                    reason=rng.choice(EDIT_REASONS),
                    sensitive=sensitive,
                    snapshot=snapshot | {"narrative": narrative},
                    changed_fields=["narrative"],
                )
            )

    # Plans -------------------------------------------------------------------

    def _plans(self, ctx: _CaseContext) -> None:
        """A safety plan on every case, a support plan on most, a disruption
        plan on some where there is exploitation."""
        rng = self.rng
        kinds = [(Plan.Kind.SAFETY, rng.randint(3, 14))]
        if rng.random() < 0.8:
            kinds.append((Plan.Kind.SUPPORT, rng.randint(7, 21)))
        exploited = {Risk.CCE, Risk.COUNTY_LINES, Risk.CSE, Risk.TRAFFICKING}
        awaiting = ctx.plan is self.awaiting_plan
        if not awaiting and any(r in exploited for r in ctx.risks) and rng.random() < 0.35:
            kinds.append((Plan.Kind.DISRUPTION, rng.randint(14, 40)))
        plans = []
        for kind, after in kinds:
            created = ctx.allocated + dt.timedelta(days=after)
            if created <= ctx.last_day:
                plans.append(self._plan(ctx, kind, created))
        live = [p for p in plans if p is not None and p.status == Plan.Status.APPROVED]
        if ctx.plan is self.overdue_review and live:
            self._make_review_overdue(live[0])
        if ctx.plan is self.overdue_action:
            self._make_action_overdue(ctx, plans)
        if awaiting:
            # A disruption plan written this week, waiting for the manager.
            created = min(max(ctx.allocated, self.today - dt.timedelta(days=4)), self.yesterday)
            self._plan(ctx, Plan.Kind.DISRUPTION, created, awaiting=True)

    def _plan(self, ctx: _CaseContext, kind: str, created: dt.date, *, awaiting: bool = False) -> Plan | None:
        rng = self.rng
        words = {"name": ctx.name, "town": ctx.town}
        created_at = _at(created, rng.randint(9, 17), rng.randint(0, 59))
        tier = ctx.risk.tier_on(created)
        interval = cadence.default_review_interval(kind, tier)
        plan = Plan(
            case=ctx.case,
            kind=kind,
            title=_fill(PLAN_TITLES[Plan.Kind(kind)], **words),
            summary=_fill(PLAN_SUMMARIES[Plan.Kind(kind)], **words),
            status=Plan.Status.DRAFT,
            review_interval_days=interval,
            created_by_id=ctx.worker_id,
            created_at=created_at,
            updated_at=created_at,
        )
        self.rows.plans.append(plan)
        goals = self._goals_and_actions(ctx, plan, created_at)
        if kind == Plan.Kind.SAFETY:
            self._safety_map(ctx, plan, created_at)

        submitted = created + dt.timedelta(days=rng.randint(0, 4))
        approved = add_working_days(submitted, rng.randint(0, 4))
        returned = rng.random() < 0.08
        if returned:
            approved = add_working_days(approved, 3)
        ceiling = ctx.last_day if ctx.closing else self.yesterday
        if awaiting:
            submitted, approved = min(submitted, self.yesterday), self.today
        if submitted > ceiling:
            plan.updated_at = created_at
        else:
            submitted_at = _at(submitted, rng.randint(9, 17), rng.randint(0, 59))
            submitted_at = max(submitted_at, created_at + dt.timedelta(minutes=10))
            plan.status = Plan.Status.AWAITING_SIGN_OFF
            plan.submitted_at = submitted_at
            plan.submitted_by_id = ctx.worker_id
            plan.updated_at = submitted_at
            if returned and approved <= ceiling:
                returned_at = submitted_at + dt.timedelta(days=1)
                self.rows.plan_sign_offs.append(
                    PlanSignOff(
                        plan=plan,
                        decision=PlanSignOff.Decision.RETURNED,
                        decided_by_id=ctx.manager_id,
                        decided_at=returned_at,
                        comment="Make the goals specific to what the young person said they want",
                    )
                )
                plan.submitted_at = returned_at + dt.timedelta(days=1)
            if approved <= ceiling:
                approved_at = max(_at(approved, rng.randint(9, 17), rng.randint(0, 59)),
                                  plan.submitted_at + dt.timedelta(hours=1))  # fmt: skip
                comment = rng.choice(["", "Agreed.", "A clear plan: agreed."])
                plan.status = Plan.Status.APPROVED
                plan.approved_at = approved_at
                plan.approved_by_id = ctx.manager_id
                plan.approval_comment = comment
                plan.updated_at = approved_at
                self.rows.plan_sign_offs.append(
                    PlanSignOff(
                        plan=plan,
                        decision=PlanSignOff.Decision.APPROVED,
                        decided_by_id=ctx.manager_id,
                        decided_at=approved_at,
                        comment=comment,
                    )
                )
                self._reviews(ctx, plan, _local_day(approved_at), goals)
        if ctx.closing and ctx.ending:
            # The worker ends the plans as the case closes.
            ended_at = _at(ctx.last_day, 8, rng.randint(0, 59))
            ended_at = max(ended_at, (plan.updated_at or created_at) + dt.timedelta(minutes=5))
            if ctx.plan is not self.pending_closure:
                plan.status = Plan.Status.ENDED
                plan.ended_at = ended_at
                plan.ended_by_id = ctx.worker_id
                plan.end_reason = "The case is closing"
                plan.updated_at = ended_at
                for action in self.plan_actions[id(plan)]:
                    if action.status == Action.Status.OPEN:
                        action.status = Action.Status.CANCELLED
                        action.completed_at = ended_at
        return plan

    def _goals_and_actions(self, ctx: _CaseContext, plan: Plan, created_at: dt.datetime) -> list[Goal]:
        rng = self.rng
        words = {"name": ctx.name, "town": ctx.town}
        goal_texts = GOALS[Plan.Kind(plan.kind)]
        goals = [
            Goal(plan=plan, description=_fill(text, **words), created_by_id=ctx.worker_id, created_at=created_at)
            for text in rng.sample(goal_texts, k=min(len(goal_texts), rng.randint(1, 3)))
        ]
        self.rows.goals += goals
        for text in rng.sample(ACTIONS[Plan.Kind(plan.kind)], k=rng.randint(2, 3)):
            self._action(ctx, plan, rng.choice(goals) if rng.random() < 0.7 else None, _fill(text, **words), created_at)
        return goals

    def _action(self, ctx: _CaseContext, plan: Plan, goal: Goal | None, text: str, created_at: dt.datetime) -> None:
        rng = self.rng
        created = _local_day(created_at)
        due = created + dt.timedelta(days=rng.randint(7, 60))
        owner_user_id = owner_org = None
        owner_name = ""
        pick = rng.random()
        if plan.kind == Plan.Kind.DISRUPTION and pick < 0.6:
            owner_org = self.county.organisations["police"]
        elif pick < 0.5:
            owner_user_id = ctx.worker_id
        elif pick < 0.6 and ctx.lead_id is not None:
            owner_user_id = ctx.lead_id
        elif pick < 0.8:
            owner_org = rng.choice(self.partners)
        else:
            owner_name = _fill(rng.choice(ACTION_OWNERS), name=ctx.name)
        ceiling = ctx.last_day if ctx.closing else self.yesterday
        status, completed_at = Action.Status.OPEN, None
        if due <= ceiling:
            roll = rng.random()
            if roll < 0.9 or ctx.closing:
                status = Action.Status.DONE if roll < 0.84 else Action.Status.CANCELLED
                done = min(ceiling, max(created, due + dt.timedelta(days=rng.randint(-7, 4))))
                done_at = _at(done, rng.randint(9, 17), rng.randint(0, 59))
                completed_at = max(done_at, created_at + dt.timedelta(hours=1))
        elif created < ceiling and rng.random() < 0.15:
            status = Action.Status.DONE
            done = created + dt.timedelta(days=rng.randint(1, max(1, (ceiling - created).days)))
            completed_at = max(_at(done, rng.randint(9, 17), 0), created_at + dt.timedelta(hours=1))
        action = Action(
            plan=plan,
            goal=goal,
            description=text,
            owner_user_id=owner_user_id,
            owner_organisation_id=owner_org.pk if owner_org else None,
            owner_name=owner_name,
            due_on=due,
            status=status,
            completed_at=completed_at,
            created_by_id=ctx.worker_id,
            created_at=created_at,
        )
        self.rows.actions.append(action)
        self.plan_actions[id(plan)].append(action)

    def _safety_map(self, ctx: _CaseContext, plan: Plan, created_at: dt.datetime) -> None:
        rng = self.rng
        words = {"name": ctx.name, "town": ctx.town}
        counts = {
            SafetyMapEntry.Kind.SAFE_PLACE: rng.randint(1, 2),
            SafetyMapEntry.Kind.UNSAFE_PLACE: rng.randint(1, 2),
            SafetyMapEntry.Kind.SAFE_ADULT: rng.randint(1, 2),
            SafetyMapEntry.Kind.UNSAFE_ADULT: rng.randint(0, 1),
            SafetyMapEntry.Kind.TRUSTED_CONTACT: 1,
        }
        reachable = {SafetyMapEntry.Kind.SAFE_ADULT, SafetyMapEntry.Kind.TRUSTED_CONTACT}
        for kind, count in counts.items():
            for name, why in rng.sample(SAFETY_MAP[kind], k=count):
                place = kind in SafetyMapEntry.PLACE_KINDS
                self.rows.safety_map.append(
                    SafetyMapEntry(
                        plan=plan,
                        kind=kind,
                        name=_fill(name, **words),
                        why=_fill(why, **words),
                        address=ctx.town if place else "",
                        phone=self._phone() if kind in reachable else "",
                        created_by_id=ctx.worker_id,
                        created_at=created_at,
                    )
                )

    def _reviews(self, ctx: _CaseContext, plan: Plan, approved: dt.date, goals: list[Goal]) -> None:
        rng = self.rng
        words = {"name": ctx.name, "town": ctx.town}
        limit = ctx.last_day if ctx.closing else self.yesterday
        written = _local_day(plan.created_at) if plan.created_at else approved
        due = approved + dt.timedelta(days=plan.review_interval_days)
        dues: list[dt.date] = []
        reviews: list[Review] = []
        previous_tier = ctx.risk.tier_on(approved)
        while True:
            held = due + dt.timedelta(days=rng.randint(-4, 9) if rng.random() < 0.9 else rng.randint(10, 25))
            held = max(held, written + dt.timedelta(days=1))
            if held > limit:
                break
            tier = ctx.risk.tier_on(held)
            interval = min(plan.review_interval_days, cadence.default_review_interval(plan.kind, tier))
            direction = "same"
            if tier and previous_tier and tier != previous_tier:
                direction = "up" if tier_level(tier) > tier_level(previous_tier) else "down"
            previous_tier = tier
            review = Review(
                plan=plan,
                held_on=held,
                attendees=f"{ctx.name}, parent or carer, social worker, youth support worker",
                summary=_fill(rng.choice(REVIEW_SUMMARIES[direction]), **words),
                changes=_fill(rng.choice(REVIEW_CHANGES), **words),
                next_review_due=held + dt.timedelta(days=interval),
                recorded_by_id=ctx.worker_id,
                recorded_at=_at(held, rng.randint(12, 17), rng.randint(0, 59)),
            )
            reviews.append(review)
            dues.append(due)
            plan.review_interval_days = interval
            due = review.next_review_due
            if rng.random() < 0.25:
                self._feedback(ctx, Feedback.Occasion.REVIEW, held, review)
            if rng.random() < 0.3:
                self._action(ctx, plan, rng.choice(goals) if goals else None,
                             _fill(rng.choice(ACTIONS[Plan.Kind(plan.kind)]), **words), review.recorded_at)  # fmt: skip
        # Some open cases' reviews are late: the last one has not happened yet.
        if not ctx.closing and reviews and due >= self.today and rng.random() < 0.1:
            late = reviews.pop()
            due = dues.pop()
            self.rows.feedback = [f for f in self.rows.feedback if f.review is not late]
        self.rows.reviews += reviews
        plan.next_review_due = due

    def _make_review_overdue(self, plan: Plan) -> None:
        """Drop the latest reviews of the plan until the next one is overdue."""
        reviews = [r for r in self.rows.reviews if r.plan is plan]
        while plan.next_review_due is not None and plan.next_review_due >= self.today and reviews:
            last = reviews.pop()
            self.rows.reviews.remove(last)
            self.rows.feedback = [f for f in self.rows.feedback if f.review is not last]
            plan.next_review_due = reviews[-1].next_review_due if reviews else None
        if plan.next_review_due is None and plan.approved_at is not None:
            plan.next_review_due = _local_day(plan.approved_at) + dt.timedelta(days=plan.review_interval_days)

    def _make_action_overdue(self, ctx: _CaseContext, plans: list[Plan | None]) -> None:
        """An action on the case that is open past its due date."""
        mine = [a for p in plans if p is not None for a in self.plan_actions[id(p)]]
        if any(a.status == Action.Status.OPEN and a.due_on < self.today for a in mine) or not mine:
            return
        action = mine[0]
        action.status = Action.Status.OPEN
        action.completed_at = None
        action.due_on = min(self.today - dt.timedelta(days=self.rng.randint(3, 12)), self.yesterday)
        if action.created_at is not None and _local_day(action.created_at) > action.due_on:
            action.due_on = _local_day(action.created_at)

    # Psychology, partners, transition, closure -------------------------------

    def _psychology(self, ctx: _CaseContext) -> None:
        """The team's clinical psychologist formulates some cases and holds
        consultations about others (TYSS North has one)."""
        rng = self.rng
        psychologist = self.psychologists.get(ctx.plan.team)
        days = (ctx.last_day - ctx.allocated).days
        if psychologist is None or days < 21:
            return
        words = {"name": ctx.name}
        if rng.random() < 0.2:
            day = ctx.allocated + dt.timedelta(days=rng.randint(14, days))
            at = _at(day, rng.randint(10, 16))
            first = Formulation(
                case=ctx.case,
                young_person_id=ctx.plan.person.pk,
                formulated_on=day,
                author_id=psychologist,
                created_at=at,
                updated_at=at,
                **{part: _fill(text, **words) for part, text in FORMULATION.items()},
            )
            self.rows.formulations.append(first)
            if rng.random() < 0.25 and (ctx.last_day - day).days > 30:
                later = day + dt.timedelta(days=rng.randint(30, (ctx.last_day - day).days))
                revised_at = _at(later, rng.randint(10, 16))
                self.rows.revised_formulations.append(
                    Formulation(
                        case=ctx.case,
                        young_person_id=ctx.plan.person.pk,
                        formulated_on=later,
                        author_id=psychologist,
                        supersedes=first,
                        created_at=revised_at,
                        updated_at=revised_at,
                        **{part: _fill(text, **words) for part, text in FORMULATION.items()}
                        | {"perpetuating": "Less pull from the group since the move; debts remain a worry."},
                    )
                )
        if rng.random() < 0.25:
            for _ in range(rng.randint(1, 2)):
                day = ctx.allocated + dt.timedelta(days=rng.randint(7, days))
                attendees, notes, agreed = rng.choice(CONSULTATION_NOTES)
                at = _at(day, rng.randint(10, 16))
                self.rows.consultation_notes.append(
                    ConsultationNote(
                        case=ctx.case,
                        young_person_id=ctx.plan.person.pk,
                        consulted_on=day,
                        attendees=attendees,
                        notes=_fill(notes, **words),
                        agreed_actions=_fill(agreed, **words),
                        recorded_by_id=psychologist,
                        created_at=at,
                        updated_at=at,
                    )
                )

    def _joint_working(self, ctx: _CaseContext) -> None:
        rng = self.rng
        days = (ctx.last_day - ctx.allocated).days
        if days < 7:
            return
        kinds = {
            JointWorkingKind.JOINT_VISIT: 35,
            JointWorkingKind.CASE_DISCUSSION: 35,
            JointWorkingKind.CONSULTATION: 20,
            JointWorkingKind.JOINT_ALLOCATION: 10,
        }
        for _ in range(rng.choices([0, 1, 2, 3], weights=[25, 40, 25, 10])[0]):
            day = ctx.allocated + dt.timedelta(days=rng.randint(3, days))
            kind = self._weighted(kinds)
            organisation: Organisation | None = None
            agency_name = ""
            if rng.random() < 0.85:
                schools = self.county.schools_for(ctx.plan.person.locality, "secondary")
                options = self.partners + ([schools[0].organisation] if schools else [])
                organisation = rng.choice(options)
            else:
                agency_name = rng.choice(OTHER_AGENCIES)
            at = _at(day, rng.randint(9, 17))
            self.rows.joint_working.append(
                JointWorkingRecord(
                    case=ctx.case,
                    young_person_id=ctx.plan.person.pk,
                    organisation_id=organisation.pk if organisation else None,
                    agency_name=agency_name,
                    worked_on=day,
                    kind=kind,
                    outcome=_fill(JOINT_OUTCOMES[JointWorkingKind(kind)], name=ctx.name),
                    recorded_by_id=ctx.worker_id,
                    created_at=at,
                    updated_at=at,
                )
            )

    def _transition_plan(self, ctx: _CaseContext) -> None:
        """From 17½ the case plans the move to adulthood."""
        rng = self.rng
        starts = max(cadence.transition_date(ctx.plan.person.date_of_birth), ctx.allocated)
        day = starts + dt.timedelta(days=rng.randint(3, 21))
        if day > ctx.last_day:
            return
        areas = ["education", "housing", "adult_services", "leaving_care"]
        chosen = areas[: rng.randint(2, 4)]
        if ctx.request.social_care_status == SocialCareStatus.LOOKED_AFTER and "leaving_care" not in chosen:
            chosen.append("leaving_care")
        at = _at(day, rng.randint(9, 17))
        fields: dict[str, Any] = {}
        for area in chosen:
            note, owner = TRANSITION_NOTES[area]
            fields[f"{area}_note"] = note
            fields[f"{area}_owner"] = owner
        agreed = day + dt.timedelta(days=rng.randint(0, 14))
        self.rows.transition_plans.append(
            TransitionPlan(
                case=ctx.case,
                agreed_on=agreed if agreed <= ctx.last_day and rng.random() < 0.6 else None,
                created_by_id=ctx.worker_id,
                updated_by_id=ctx.worker_id,
                created_at=at,
                updated_at=at,
                **fields,
            )
        )

    def _feedback(self, ctx: _CaseContext, occasion: str, day: dt.date, review: Review | None = None) -> None:
        rng = self.rng
        good = ctx.trajectory in ("improving", "rise_then_fall")

        def rating() -> int | None:
            if rng.random() < 0.1:
                return None
            return rng.choices([1, 2, 3, 4, 5], weights=[2, 4, 12, 35, 47] if good else [5, 10, 30, 35, 20])[0]

        ratings = {"felt_listened_to": rating(), "helped_feel_safer": rating(), "would_recommend": rating()}
        comments = rng.choice(FEEDBACK_COMMENTS)
        if not any(ratings.values()) and not comments:
            comments = FEEDBACK_COMMENTS[0]
        self.rows.feedback.append(
            Feedback(
                case=ctx.case,
                occasion=occasion,
                given_by=rng.choices(
                    [Feedback.GivenBy.YOUNG_PERSON, Feedback.GivenBy.PARENT_CARER, Feedback.GivenBy.OTHER_FAMILY],
                    weights=[65, 30, 5],
                )[0],
                given_on=day,
                comments=comments,
                review=review,
                recorded_by_id=ctx.worker_id,
                recorded_at=_at(day, rng.randint(12, 18)),
                **ratings,
            )
        )

    def _declined_closure(self, ctx: _CaseContext) -> None:
        """A closure the manager did not agree to: the case carried on."""
        rng = self.rng
        day = ctx.allocated + dt.timedelta(days=rng.randint(30, (ctx.last_day - ctx.allocated).days - 20))
        asked = _at(day, rng.randint(9, 16))
        sign_off = SignOff(
            case=ctx.case,
            kind=SignOff.Kind.CLOSURE,
            status=SignOff.Status.DECLINED,
            requested_by_id=ctx.worker_id,
            requested_at=asked,
            decided_by_id=ctx.manager_id,
            decided_at=asked + dt.timedelta(days=rng.randint(1, 3)),
            comment="Not yet: try a joint visit with the detached team before closing",
        )
        self.rows.sign_offs.append(sign_off)
        self.rows.closures.append(
            CaseClosure(
                case=ctx.case,
                sign_off=sign_off,
                reason=CaseClosure.Reason.DISENGAGED,
                closing_tier=ctx.risk.tier_on(day) or Tier.LOW,
                outcome_summary=_fill(OUTCOME_SUMMARIES[CaseClosure.Reason.DISENGAGED], name=ctx.name),
                completed_planned_work=False,
            )
        )

    def _closure(self, ctx: _CaseContext, requested_at: dt.datetime, closed_at: dt.datetime | None) -> None:
        rng = self.rng
        reason = CaseClosure.Reason(ctx.ending or CaseClosure.Reason.PLANNED_ENDING)
        if rng.random() < 0.65:
            self._feedback(ctx, Feedback.Occasion.CLOSURE, _local_day(requested_at))
        sign_off = SignOff(
            case=ctx.case,
            kind=SignOff.Kind.CLOSURE,
            status=SignOff.Status.APPROVED if closed_at else SignOff.Status.PENDING,
            requested_by_id=ctx.worker_id,
            requested_at=requested_at,
            decided_by_id=ctx.manager_id if closed_at else None,
            decided_at=closed_at,
            comment=rng.choice(APPROVAL_COMMENTS) if closed_at else "",
        )
        self.rows.sign_offs.append(sign_off)
        completed = {
            CaseClosure.Reason.PLANNED_ENDING: 0.9,
            CaseClosure.Reason.TRANSFERRED: 0.5,
            CaseClosure.Reason.MOVED_AWAY: 0.2,
        }.get(reason, 0.0)
        self.rows.closures.append(
            CaseClosure(
                case=ctx.case,
                sign_off=sign_off,
                reason=reason,
                reason_detail=rng.choice(OTHER_CLOSURE_DETAIL) if reason == CaseClosure.Reason.OTHER else "",
                closing_tier=ctx.risk.tier_on(ctx.last_day) or Tier.LOW,
                outcome_summary=_fill(OUTCOME_SUMMARIES[reason], name=ctx.name),
                completed_planned_work=rng.random() < completed,
            )
        )

    # Helpers -------------------------------------------------------------

    def _school(self, person: Person) -> str:
        if person.locality not in self.schools:
            self.schools[person.locality] = [
                s.organisation.name for s in self.county.schools_for(person.locality, "secondary")
            ]
        schools = self.schools[person.locality]
        return schools[person.pk % len(schools)] if schools else "school"

    def _second_worker(self, team: str, worker_id: int) -> int | None:
        """Now and then a second worker, who works with the parent or carer."""
        others = [w.pk for w in self.staffing.workers[team] if w.pk != worker_id]
        return self.rng.choice(others) if others and self.rng.random() < 0.15 else None

    def _phone(self) -> str:
        """A number in Ofcom's range for drama: nobody's real number."""
        return f"07700 900{self.rng.randint(0, 999):03d}"

    def _weighted(self, weights: dict[Any, int]) -> str:
        choice = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        return str(choice.value) if hasattr(choice, "value") else str(choice)
