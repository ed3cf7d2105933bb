"""Reads of the people register, scoped to the acting user."""

import enum
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from rapidfuzz import fuzz

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.cases.models import Involvement
from lantern.core.chronology import shared

from .models import Adult, Alias, Household, LegalStatus, PersonNameToken, RecordRestriction, Relationship, YoungPerson
from .permissions import fully_visible_young_people, visible_households
from .search_index import normalise, phonetic, words
from .validators import UPN_RE, normalise_nhs_number

SEARCH_RESULT_LIMIT = 50
# How many name candidates the database hands over for scoring: enough for a
# common first name in a large county, small enough to score in a few ms.
SEARCH_CANDIDATE_LIMIT = 400
MIN_NAME_QUERY_LENGTH = 2
DUPLICATE_NAME_THRESHOLD = 80


def restrictions_due_for_review(user: User) -> QuerySet[RecordRestriction]:
    """Restrictions this manager looks after whose 90-day review is due."""
    if not user.has_perm(Perm.RESTRICT_RECORD):
        return RecordRestriction.objects.none()
    return (
        RecordRestriction.objects.filter(manager=user, review_due_on__lte=timezone.localdate())
        .select_related("young_person")
        .order_by("review_due_on")
    )


# ---------------------------------------------------------------------------
# Search


class QueryKind(enum.StrEnum):
    TOO_SHORT = "too_short"
    INVALID_DATE = "invalid_date"
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    NHS_NUMBER = "nhs_number"
    UPN = "upn"
    IDENTIFIER = "identifier"  # a council person ID (or an NHS number typed oddly)


@dataclass(frozen=True)
class ParsedQuery:
    kind: QueryKind
    text: str
    date_of_birth: date | None = None
    identifier: str = ""


_DMY = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DIGITS_AND_SPACES = re.compile(r"^[\d\s-]+$")


def parse_date(text: str) -> date | None:
    """A date as people type it: 3/4/2010 and 03/04/2010 (day first, as in
    England), or 2010-04-03."""
    text = text.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DMY.match(text)
        if not match:
            return None
        day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def looks_like_date(text: str) -> bool:
    text = text.strip()
    return bool(_ISO.match(text) or _DMY.match(text))


def classify_query(query: str) -> ParsedQuery:
    """Work out whether the user typed a name, a date of birth or an identifier."""
    text = " ".join((query or "").split())[:200]
    if not text:
        return ParsedQuery(QueryKind.TOO_SHORT, text)
    born = parse_date(text)
    if born is not None:
        return ParsedQuery(QueryKind.DATE_OF_BIRTH, text, date_of_birth=born)
    if looks_like_date(text):
        return ParsedQuery(QueryKind.INVALID_DATE, text)
    if _DIGITS_AND_SPACES.match(text):
        digits = normalise_nhs_number(text)
        if len(digits) == 10:
            return ParsedQuery(QueryKind.NHS_NUMBER, text, identifier=digits)
        if len(digits) >= 3:
            return ParsedQuery(QueryKind.IDENTIFIER, text, identifier=digits)
        return ParsedQuery(QueryKind.TOO_SHORT, text)
    compact = text.replace(" ", "").upper()
    if UPN_RE.match(compact):
        return ParsedQuery(QueryKind.UPN, text, identifier=compact)
    if " " not in text and any(char.isdigit() for char in text):
        return ParsedQuery(QueryKind.IDENTIFIER, text, identifier=text)
    if len(normalise(text).replace(" ", "")) < MIN_NAME_QUERY_LENGTH or not words(text):
        return ParsedQuery(QueryKind.TOO_SHORT, text)
    return ParsedQuery(QueryKind.NAME, text)


@dataclass
class SearchResult:
    young_person: YoungPerson
    score: float
    matched_alias: str = ""
    teams: list[str] = field(default_factory=list)


def _results_queryset(user: User) -> QuerySet[YoungPerson]:
    return fully_visible_young_people(user).select_related("locality")


def _with_teams(pks: list[int]) -> dict[int, YoungPerson]:
    """The result rows, with their open involvements' teams in one more query."""
    open_involvements = Prefetch(
        "involvements",
        queryset=Involvement.objects.filter(closed_at__isnull=True).select_related("team").order_by("team__name"),
        to_attr="open_involvements",
    )
    people = YoungPerson.objects.filter(pk__in=pks).select_related("locality").prefetch_related(open_involvements)
    return {person.pk: person for person in people}


def _team_names(person: YoungPerson) -> list[str]:
    return sorted({involvement.team.name for involvement in getattr(person, "open_involvements", [])})


def _word_condition(word: str) -> Q:
    # Phonetic keys of one or two letters ("J" for "Jo") would match half
    # the county, so short words match by prefix only.
    condition = Q(token__startswith=word)
    key = phonetic(word)
    if len(word) >= 3 and len(key) >= 2:
        condition |= Q(phonetic=key)
    return condition


def _name_score(query: str, names: list[str]) -> tuple[float, str]:
    """The best rapidfuzz score of the query against any of the names, and
    which name it was (so that a match on a street name can be shown)."""
    best, best_name = 0.0, ""
    query_norm = normalise(query)
    for name in names:
        name_norm = normalise(name)
        score = max(fuzz.token_sort_ratio(query_norm, name_norm), fuzz.token_set_ratio(query_norm, name_norm))
        if score > best:
            best, best_name = score, name
    return best, best_name


def _search_by_name(user: User, parsed: ParsedQuery) -> list[SearchResult]:
    query_words = words(parsed.text)[:6]
    scoped = fully_visible_young_people(user)
    exactness = []
    for word in query_words:
        token_matches = PersonNameToken.objects.filter(_word_condition(word)).values("young_person_id")
        scoped = scoped.filter(pk__in=token_matches)
        exactness.append(
            Case(
                When(Exists(PersonNameToken.objects.filter(young_person=OuterRef("pk"), token=word)), then=Value(2)),
                When(
                    Exists(PersonNameToken.objects.filter(young_person=OuterRef("pk"), token__startswith=word)),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    rank: Any = exactness[0]
    for extra in exactness[1:]:
        rank = rank + extra
    candidates = list(
        scoped.annotate(rank=rank)
        .order_by("-rank", "last_name", "first_name", "pk")
        .values("pk", "first_name", "last_name", "preferred_name", "rank")[:SEARCH_CANDIDATE_LIMIT]
    )
    if not candidates:
        return []
    aliases: dict[int, list[str]] = defaultdict(list)
    for person_id, name in Alias.objects.filter(young_person_id__in=[c["pk"] for c in candidates]).values_list(
        "young_person_id", "name"
    ):
        aliases[person_id].append(name)
    scored: list[tuple[int, float, str, int]] = []
    for candidate in candidates:
        own = [f"{candidate['first_name']} {candidate['last_name']}"]
        if candidate["preferred_name"]:
            own.append(f"{candidate['preferred_name']} {candidate['last_name']}")
        own_score, _ = _name_score(parsed.text, own)
        alias_score, alias_name = _name_score(parsed.text, aliases.get(candidate["pk"], []))
        matched_alias = alias_name if alias_score > own_score else ""
        scored.append((candidate["pk"], max(own_score, alias_score), matched_alias, candidate["rank"]))
    # Exact and prefix matches first, then the closest spelling.
    scored.sort(key=lambda row: (-row[3], -row[1]))
    top = scored[:SEARCH_RESULT_LIMIT]
    people = _with_teams([row[0] for row in top])
    return [
        SearchResult(young_person=people[pk], score=score, matched_alias=alias, teams=_team_names(people[pk]))
        for pk, score, alias, _ in top
        if pk in people
    ]


def _search_by_filter(user: User, condition: Q) -> list[SearchResult]:
    pks = list(
        fully_visible_young_people(user)
        .filter(condition)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)[:SEARCH_RESULT_LIMIT]
    )
    people = _with_teams(pks)
    return [
        SearchResult(young_person=people[pk], score=100.0, teams=_team_names(people[pk])) for pk in pks if pk in people
    ]


def _council_id(value: str) -> Q:
    # Exact matches on the unique index, in the cases people type, rather
    # than a case-insensitive match that would scan the whole table.
    return Q(council_person_id__in=sorted({value, value.upper(), value.lower()}))


def young_person_search(*, user: User, query: str | ParsedQuery) -> list[SearchResult]:
    """Young people this user may see in full who match the query, best first.

    A fixed number of queries whatever the number of results: the scoped
    candidates, their aliases (names only), and the results with their teams."""
    parsed = query if isinstance(query, ParsedQuery) else classify_query(query)
    if not user.has_perm(Perm.SEARCH_PEOPLE):
        return []
    if parsed.kind in (QueryKind.TOO_SHORT, QueryKind.INVALID_DATE):
        return []
    if parsed.kind is QueryKind.NAME:
        return _search_by_name(user, parsed)
    if parsed.kind is QueryKind.DATE_OF_BIRTH:
        return _search_by_filter(user, Q(date_of_birth=parsed.date_of_birth))
    if parsed.kind is QueryKind.NHS_NUMBER:
        return _search_by_filter(user, Q(nhs_number=parsed.identifier) | _council_id(parsed.text.replace(" ", "")))
    if parsed.kind is QueryKind.UPN:
        return _search_by_filter(user, Q(upn=parsed.identifier) | _council_id(parsed.identifier))
    return _search_by_filter(
        user,
        _council_id(parsed.identifier) | _council_id(parsed.text.replace(" ", "")),
    )


# ---------------------------------------------------------------------------
# Duplicate check


@dataclass
class PossibleDuplicate:
    """A record that may be the same young person. `young_person` is None when
    the user may not see it: they learn only that it exists."""

    reasons: list[str]
    young_person: YoungPerson | None = None
    teams: list[str] = field(default_factory=list)
    restricted: bool = False

    @property
    def visible(self) -> bool:
        return self.young_person is not None


def possible_duplicates(
    *,
    user: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    nhs_number: str | None = None,
    upn: str | None = None,
    council_person_id: str | None = None,
    exclude_pk: int | None = None,
) -> list[PossibleDuplicate]:
    """Records across the whole register (not only the user's scope) that may
    be this young person: the same date of birth and a similar name, or a
    shared identifier. Records the user may not see come back without names."""
    reasons: dict[int, list[str]] = defaultdict(list)
    identifier_q = Q()
    if nhs_number:
        identifier_q |= Q(nhs_number=nhs_number)
    if upn:
        identifier_q |= Q(upn=upn)
    if council_person_id:
        identifier_q |= _council_id(council_person_id)
    if identifier_q:
        for row in YoungPerson.objects.filter(identifier_q).values("pk", "nhs_number", "upn", "council_person_id"):
            if nhs_number and row["nhs_number"] == nhs_number:
                reasons[row["pk"]].append("Same NHS number")
            if upn and row["upn"] == upn:
                reasons[row["pk"]].append("Same Unique Pupil Number")
            if council_person_id and (row["council_person_id"] or "").lower() == council_person_id.lower():
                reasons[row["pk"]].append("Same council person ID")
    if date_of_birth is not None:
        wanted = f"{first_name} {last_name}"
        surname_key = phonetic("".join(words(last_name))) if words(last_name) else ""
        same_birthday = YoungPerson.objects.filter(date_of_birth=date_of_birth).prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.only("young_person_id", "name"))
        )
        for person in same_birthday:
            names = [person.full_name, *(f"{alias.name}" for alias in person.aliases.all())]
            if person.preferred_name:
                names.append(f"{person.preferred_name} {person.last_name}")
            similar = max(fuzz.token_sort_ratio(normalise(wanted), normalise(name)) for name in names)
            person_key = phonetic("".join(words(person.last_name))) if words(person.last_name) else ""
            if similar >= DUPLICATE_NAME_THRESHOLD:
                reasons[person.pk].append("Same date of birth and a similar name")
            elif surname_key and surname_key == person_key:
                reasons[person.pk].append("Same date of birth and a surname that sounds the same")
    reasons.pop(exclude_pk or 0, None)
    if not reasons:
        return []
    visible = set(fully_visible_young_people(user).filter(pk__in=list(reasons)).values_list("pk", flat=True))
    people = (
        YoungPerson.objects.filter(pk__in=list(reasons))
        .select_related("locality", "restriction")
        .prefetch_related(
            Prefetch(
                "involvements",
                queryset=Involvement.objects.filter(closed_at__isnull=True).select_related("team"),
                to_attr="open_involvements",
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    matches = []
    for person in people:
        restricted = getattr(person, "restriction", None) is not None
        if person.pk in visible:
            matches.append(
                PossibleDuplicate(reasons=reasons[person.pk], young_person=person, teams=_team_names(person))
            )
        else:
            # The team is named so the user knows whom to ask; for a
            # restricted record even that could say too much.
            matches.append(
                PossibleDuplicate(
                    reasons=reasons[person.pk],
                    teams=[] if restricted else _team_names(person),
                    restricted=restricted,
                )
            )
    # Matches the user can act on first.
    matches.sort(key=lambda match: not match.visible)
    return matches


# ---------------------------------------------------------------------------
# The person page


@dataclass
class PersonRecord:
    """Everything the person page shows besides the young person, each list
    fetched in one query."""

    aliases: list[Alias]
    legal_statuses: list[LegalStatus]
    adult_relationships: list[Relationship]
    young_person_relationships: list[tuple[Relationship, YoungPerson]]
    households: list[Household]
    involvements: list[Involvement]


def aliases_of(young_person: YoungPerson) -> list[Alias]:
    """The young person's other names, for the person page and its chronology
    (one query per `shared_reads()` block)."""
    return shared(("people.aliases", young_person.pk), lambda: list(young_person.aliases.order_by("kind", "name")))


def legal_statuses_of(young_person: YoungPerson) -> list[LegalStatus]:
    """The young person's legal statuses, latest first (one query per
    `shared_reads()` block)."""
    return shared(
        ("people.legal_statuses", young_person.pk),
        lambda: list(young_person.legal_statuses.select_related("recorded_by").order_by("-started_on")),
    )


_SIDES = ("adult", "young_person", "other_young_person")


def relationships_of(young_person: YoungPerson) -> list[Relationship]:
    """Every relationship the young person is either side of, with the other
    party (one query per `shared_reads()` block). Who may see the other
    young people is the caller's business."""
    return shared(
        ("people.relationships", young_person.pk),
        lambda: list(
            Relationship.objects.filter(Q(young_person=young_person) | Q(other_young_person=young_person))
            .select_related("adult", "young_person", "other_young_person")
            # Of the people on either side, only their names are shown.
            .only(
                *(field.name for field in Relationship._meta.concrete_fields),
                *(f"{side}__{name}" for side in _SIDES for name in ("first_name", "last_name")),
            )
            .order_by("kind", "pk")
        ),
    )


def involvements_of(young_person: YoungPerson) -> list[Involvement]:
    """The teams' involvements with the young person, open ones first (one
    query per `shared_reads()` block)."""
    return shared(
        ("people.involvements", young_person.pk),
        lambda: list(
            Involvement.objects.filter(young_person=young_person)
            .select_related("team", "worker")
            .order_by("closed_at", "-opened_at")
        ),
    )


def person_record(*, user: User, young_person: YoungPerson) -> PersonRecord:
    """The related lists of a young person the caller has already fetched with
    get_young_person_for_user and found fully visible."""
    aliases = aliases_of(young_person)
    legal_statuses = legal_statuses_of(young_person)
    relationships = relationships_of(young_person)
    adult_relationships = [r for r in relationships if r.adult_id is not None and r.young_person_id == young_person.pk]
    others: list[tuple[Relationship, YoungPerson]] = []
    for relationship in relationships:
        if relationship.adult_id is not None:
            continue
        other = (
            relationship.other_young_person
            if relationship.young_person_id == young_person.pk
            else relationship.young_person
        )
        if other is not None:
            others.append((relationship, other))
    households = list(
        young_person.households.prefetch_related(
            Prefetch("young_people", queryset=YoungPerson.objects.only("pk", "first_name", "last_name")),
            Prefetch("adults", queryset=Adult.objects.only("pk", "first_name", "last_name")),
        ).order_by("name")
    )
    involvements = involvements_of(young_person)
    return PersonRecord(
        aliases=aliases,
        legal_statuses=legal_statuses,
        adult_relationships=adult_relationships,
        young_person_relationships=others,
        households=households,
        involvements=involvements,
    )


def fully_visible_pks(user: User, pks: list[int]) -> set[int]:
    """Which of these young people the user may see in full (for links)."""
    if not pks:
        return set()
    return set(fully_visible_young_people(user).filter(pk__in=pks).values_list("pk", flat=True))


def adult_record(*, user: User, adult: Adult) -> list[Relationship]:
    """An adult's relationships with the young people this user may see in
    full: the others stay hidden."""
    return list(
        adult.relationships.filter(young_person__in=fully_visible_young_people(user).values("pk"))
        .select_related("young_person")
        .order_by("young_person__last_name", "young_person__first_name")
    )


# ---------------------------------------------------------------------------
# Households


@dataclass
class HouseholdRecord:
    """A household's members as this user may see them: young people they
    may see in full by name, the others only as a count of hidden members."""

    household: Household
    young_people: list[YoungPerson]
    hidden_young_people: int
    adults: list[Adult]
    young_person_ids: list[int]  # every young member, hidden ones included

    @property
    def hidden_rows(self) -> range:
        return range(self.hidden_young_people)

    @property
    def member_ids(self) -> dict[str, list[int]]:
        return {"young_people": self.young_person_ids, "adults": [adult.pk for adult in self.adults]}


def household_record(*, user: User, household: Household) -> HouseholdRecord:
    """The members of a household the caller fetched with
    get_household_for_user, in three queries whatever its size."""
    members = list(household.young_people.only("pk", "first_name", "last_name", "date_of_birth").order_by("pk"))
    visible = fully_visible_pks(user, [member.pk for member in members])
    shown = sorted((m for m in members if m.pk in visible), key=lambda m: (m.last_name, m.first_name, m.pk))
    adults = list(household.adults.order_by("last_name", "first_name", "pk"))
    return HouseholdRecord(
        household=household,
        young_people=shown,
        hidden_young_people=len(members) - len(shown),
        adults=adults,
        young_person_ids=[member.pk for member in members],
    )


def related_households(*, user: User, young_person: YoungPerson) -> QuerySet[Household]:
    """Households this young person might join: those of their siblings and
    other related young people, and of the adults linked to them, that this
    user may see (there is no search across every household)."""
    related_adults = Relationship.objects.filter(young_person=young_person, adult__isnull=False).values("adult")
    # Links between young people are stored once, from either side.
    people = Household.young_people.through.objects.filter(
        Q(youngperson__in=Relationship.objects.filter(young_person=young_person).values("other_young_person"))
        | Q(youngperson__in=Relationship.objects.filter(other_young_person=young_person).values("young_person"))
    )
    adults = Household.adults.through.objects.filter(adult__in=related_adults)
    return (
        visible_households(user)
        .filter(Q(pk__in=people.values("household")) | Q(pk__in=adults.values("household")))
        .exclude(young_people=young_person)
        .order_by("name", "pk")
    )


def household_adult_candidates(*, user: User, household: Household) -> QuerySet[Adult]:
    """Adults who could be added to the household: those related to one of
    its young people whom this user may see in full, not already members."""
    members = household.young_people.filter(pk__in=fully_visible_young_people(user).values("pk")).values("pk")
    linked = Relationship.objects.filter(young_person__in=members, adult__isnull=False).values("adult")
    return Adult.objects.filter(pk__in=linked).exclude(households=household).order_by("last_name", "first_name", "pk")
