"""Young people, their families and households, written in batches with
bulk_create. Each family is drawn whole (surname, address, parents,
siblings) so that relationships and households agree with each other."""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from lantern.people.models import (
    Adult,
    Alias,
    Ethnicity,
    Gender,
    Household,
    PersonNameToken,
    Relationship,
    SendStatus,
    YoungPerson,
)
from lantern.people.search_index import tokens_for

from . import places
from .identifiers import IdentifierMaker
from .organisations import County, School

BATCH_SIZE = 2000

# Age today, 10 to 25: the service's cohort is mostly 13 to 17.
AGE_WEIGHTS = {10: 4, 11: 5, 12: 6, 13: 8, 14: 10, 15: 11, 16: 11, 17: 10, 18: 8, 19: 6, 20: 5, 21: 4}
AGE_WEIGHTS |= {22: 3, 23: 3, 24: 2, 25: 2}

# Roughly an English shire county's school population (school census).
ETHNICITY_WEIGHTS = {
    Ethnicity.WBRI: 760, Ethnicity.WOTH: 60, Ethnicity.WIRI: 5, Ethnicity.WIRT: 4, Ethnicity.WROM: 6,
    Ethnicity.MWBC: 16, Ethnicity.MWBA: 8, Ethnicity.MWAS: 12, Ethnicity.MOTH: 16, Ethnicity.AIND: 14,
    Ethnicity.APKN: 8, Ethnicity.ABAN: 3, Ethnicity.AOTH: 10, Ethnicity.BAFR: 18, Ethnicity.BCRB: 5,
    Ethnicity.BOTH: 3, Ethnicity.CHNE: 4, Ethnicity.OOTH: 8, Ethnicity.REFU: 5, Ethnicity.NOBT: 12,
}  # fmt: skip
LANGUAGES = {
    Ethnicity.WOTH: ["Polish", "Romanian", "Lithuanian", "Portuguese", "Latvian", "Bulgarian"],
    Ethnicity.WROM: ["Romany", "Romanian", "Slovak"],
    Ethnicity.AIND: ["Gujarati", "Punjabi", "Tamil"],
    Ethnicity.APKN: ["Urdu", "Punjabi"],
    Ethnicity.ABAN: ["Bengali", "Sylheti"],
    Ethnicity.AOTH: ["Tamil", "Pashto", "Dari", "Nepali"],
    Ethnicity.BAFR: ["Somali", "Tigrinya", "Yoruba", "Arabic", "Amharic"],
    Ethnicity.CHNE: ["Cantonese", "Mandarin"],
    Ethnicity.OOTH: ["Arabic", "Kurdish", "Farsi"],
}
GENDER_WEIGHTS = {Gender.MALE: 52, Gender.FEMALE: 45, Gender.NON_BINARY: 2, Gender.NOT_KNOWN: 1}
SEND_WEIGHTS = {SendStatus.NONE: 78, SendStatus.SEN_SUPPORT: 15, SendStatus.EHC_PLAN: 5, SendStatus.NOT_KNOWN: 2}
STREET_NAMES = [
    "Lil T", "Ghost", "Skinny", "Bugz", "Tiny", "Shadow", "Kdot", "Smokey", "Junior", "Ratty",
    "Moonie", "Blade", "Chops", "Zee", "Dre", "Sly", "Nova", "Rocket", "Spex", "Dino",
]  # fmt: skip
SHORT_NAMES = {"Thomas": "Tom", "Joseph": "Joe", "Samuel": "Sam", "Jessica": "Jess", "Daniel": "Dan"}
SHORT_NAMES |= {"Rebecca": "Becca", "Alexander": "Alex", "Benjamin": "Ben", "Charlotte": "Lottie", "Kayleigh": "Kay"}


@dataclass(slots=True)
class Person:
    """What the history needs to know about a young person, without the
    model instance (a region's 200,000 of them stay small in memory)."""

    pk: int
    date_of_birth: dt.date
    locality: int
    family: int  # the household's pk, or minus the young person's pk when they have none
    missing_prone: int  # 0 for most; 1-5, how often this young person goes missing


@dataclass
class _Family:
    locality: int
    household: Household | None
    adults: list[tuple[Adult, str, bool]] = field(default_factory=list)  # adult, relationship kind, PR
    young_people: list[YoungPerson] = field(default_factory=list)
    aliases: list[list[tuple[str, str]]] = field(default_factory=list)
    missing_prone: list[int] = field(default_factory=list)


def _weighted[T](rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class PopulationBuilder:
    def __init__(
        self,
        *,
        rng: random.Random,
        fake: Faker,
        county: County,
        identifiers: IdentifierMaker,
        today: dt.date,
        progress: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.rng = rng
        self.fake = fake
        self.county = county
        self.ids = identifiers
        self.today = today
        self.progress = progress
        # Some districts are bigger than others.
        self.locality_weights = [rng.randint(6, 14) for _ in county.localities]
        self.people: list[Person] = []
        self._pending: list[_Family] = []
        self._pending_young_people = 0

    def build(self, total: int) -> list[Person]:
        made = 0
        while made < total:
            family = self._family(max_young_people=total - made)
            made += len(family.young_people)
            self._pending.append(family)
            self._pending_young_people += len(family.young_people)
            if self._pending_young_people >= BATCH_SIZE:
                self._flush()
                self.progress(f"  {len(self.people):,} young people")
        self._flush()
        return self.people

    # Drawing ---------------------------------------------------------------

    def _family(self, max_young_people: int) -> _Family:
        rng = self.rng
        locality = rng.choices(range(len(self.county.localities)), weights=self.locality_weights)[0]
        town = self.county.localities[locality].name
        surname = self.fake.last_name()
        address = places.street(rng, self.fake.last_name())
        postcode = places.postcode(rng, locality)
        # A few young people live in care placements, away from family: no household.
        in_placement = rng.random() < 0.06
        size = 1 if in_placement else min(max_young_people, _weighted(rng, {1: 55, 2: 33, 3: 12}))
        household = None
        if not in_placement:
            household = Household(
                name=f"{surname} family, {address.split(' ', 1)[1]}",
                address_line_1=address,
                town=town,
                postcode=postcode,
            )
        family = _Family(locality=locality, household=household)
        ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
        eldest = _weighted(rng, AGE_WEIGHTS)
        for index in range(size):
            age = eldest if index == 0 else max(10, eldest - rng.randint(1, 5))
            family.young_people.append(
                self._young_person(surname, age, ethnicity, locality, town, address, postcode, in_placement)
            )
            family.aliases.append(self._aliases(family.young_people[-1]))
            family.missing_prone.append(self._missing_proneness(in_placement))
        if household is not None:
            family.adults = self._adults(surname, eldest, town, address, postcode)
        return family

    def _young_person(
        self,
        surname: str,
        age: int,
        ethnicity: str,
        locality: int,
        town: str,
        address: str,
        postcode: str,
        in_placement: bool,
    ) -> YoungPerson:
        rng, fake = self.rng, self.fake
        gender = _weighted(rng, GENDER_WEIGHTS)
        if gender == Gender.FEMALE:
            first_name = fake.first_name_female()
        elif gender == Gender.MALE:
            first_name = fake.first_name_male()
        else:
            first_name = fake.first_name()
        date_of_birth = self.today - dt.timedelta(days=int(age * 365.25) + rng.randint(1, 364))
        school = self._school(age, locality)
        language = "English"
        if ethnicity in LANGUAGES and rng.random() < 0.6:
            language = rng.choice(LANGUAGES[ethnicity])  # type: ignore[index]
        preferred = SHORT_NAMES.get(first_name, "") if rng.random() < 0.5 else ""
        return YoungPerson(
            first_name=first_name,
            last_name=surname,
            preferred_name=preferred,
            date_of_birth=date_of_birth,
            gender=gender,
            ethnicity=ethnicity,
            first_language=language,
            address_line_1="" if in_placement else address,
            town=town,
            postcode="" if in_placement else postcode,
            locality=self.county.localities[locality],
            school=school.organisation if school else None,
            nhs_number=self.ids.nhs_number() if rng.random() < 0.88 else None,
            upn=(
                self.ids.upn(school.establishment, date_of_birth.year + 5)
                if school and school.phase != "college" and rng.random() < 0.9
                else None
            ),
            council_person_id=self.ids.council_person_id() if in_placement or rng.random() < 0.5 else None,
            send=_weighted(rng, SEND_WEIGHTS),
        )

    def _school(self, age: int, locality: int) -> School | None:
        rng = self.rng
        if age >= 18:
            return None
        if age <= 10:
            phase = "primary"
        elif age <= 15:
            phase = "alternative" if rng.random() < 0.04 else "secondary"
        else:
            phase = _weighted(rng, {"college": 60, "secondary": 30, "none": 10})
        options = self.county.schools_for(locality, phase) or [s for s in self.county.schools if s.phase == phase]
        return rng.choice(options) if options else None

    def _aliases(self, young_person: YoungPerson) -> list[tuple[str, str]]:
        rng = self.rng
        aliases: list[tuple[str, str]] = []
        if rng.random() < 0.06:
            aliases.append((rng.choice(STREET_NAMES), Alias.Kind.STREET_NAME))
        if rng.random() < 0.04:
            aliases.append((f"{young_person.first_name} {self.fake.last_name()}", Alias.Kind.PREVIOUS_NAME))
        return aliases

    def _missing_proneness(self, in_placement: bool) -> int:
        # Children in care placements go missing far more often.
        if self.rng.random() < (0.45 if in_placement else 0.1):
            return _weighted(self.rng, {1: 40, 2: 25, 3: 15, 4: 12, 5: 8})
        return 0

    def _adults(
        self, surname: str, eldest: int, town: str, address: str, postcode: str
    ) -> list[tuple[Adult, str, bool]]:
        rng, fake = self.rng, self.fake
        adults = []

        def adult(first_name: str, last_name: str, age: int) -> Adult:
            born = self.today - dt.timedelta(days=int(age * 365.25) + rng.randint(1, 364))
            return Adult(
                first_name=first_name,
                last_name=last_name,
                kind=Adult.Kind.PARENT_CARER,
                date_of_birth=born,
                phone=places.phone(rng),
                address_line_1=address,
                town=town,
                postcode=postcode,
            )

        if rng.random() < 0.88:
            mother_surname = surname if rng.random() < 0.8 else fake.last_name()
            adults.append(
                (adult(fake.first_name_female(), mother_surname, eldest + rng.randint(19, 38)), "mother", True)
            )
        if rng.random() < 0.5:
            adults.append((adult(fake.first_name_male(), surname, eldest + rng.randint(20, 42)), "father", True))
        elif adults and rng.random() < 0.2:
            adults.append(
                (adult(fake.first_name(), fake.last_name(), eldest + rng.randint(22, 40)), "step_parent", False)
            )
        if not adults:
            grandparent = adult(fake.first_name_female(), surname, eldest + rng.randint(40, 60))
            grandparent.kind = Adult.Kind.FAMILY_MEMBER
            adults.append((grandparent, "grandparent", True))
        return adults

    # Writing ---------------------------------------------------------------

    def _flush(self) -> None:
        families, self._pending, self._pending_young_people = self._pending, [], 0
        if not families:
            return
        Household.objects.bulk_create([f.household for f in families if f.household], batch_size=BATCH_SIZE)
        Adult.objects.bulk_create([a for f in families for a, _, _ in f.adults], batch_size=BATCH_SIZE)
        YoungPerson.objects.bulk_create([yp for f in families for yp in f.young_people], batch_size=BATCH_SIZE)

        household_young_people = Household.young_people.through
        household_adults = Household.adults.through
        memberships: list[object] = []
        adult_memberships: list[object] = []
        relationships: list[Relationship] = []
        aliases: list[Alias] = []
        tokens: list[PersonNameToken] = []
        for family in families:
            household = family.household
            for adult, _, _ in family.adults:
                adult_memberships.append(household_adults(household_id=household.pk, adult_id=adult.pk))  # type: ignore[union-attr]
            for young_person, alias_list, proneness in zip(
                family.young_people, family.aliases, family.missing_prone, strict=True
            ):
                if household is not None:
                    memberships.append(
                        household_young_people(household_id=household.pk, youngperson_id=young_person.pk)
                    )
                for adult, kind, responsibility in family.adults:
                    relationships.append(
                        Relationship(
                            young_person=young_person,
                            adult=adult,
                            kind=kind,
                            has_parental_responsibility=responsibility,
                        )
                    )
                for sibling in family.young_people:
                    if sibling is not young_person:
                        relationships.append(
                            Relationship(young_person=young_person, other_young_person=sibling, kind="sibling")
                        )
                aliases.extend(Alias(young_person=young_person, name=name, kind=kind) for name, kind in alias_list)
                tokens.extend(tokens_for(young_person, [name for name, _ in alias_list]))
                self.people.append(
                    Person(
                        pk=young_person.pk,
                        date_of_birth=young_person.date_of_birth,
                        locality=family.locality,
                        family=household.pk if household is not None else -young_person.pk,
                        missing_prone=proneness,
                    )
                )
        household_young_people.objects.bulk_create(memberships, batch_size=BATCH_SIZE)  # type: ignore[arg-type]
        household_adults.objects.bulk_create(adult_memberships, batch_size=BATCH_SIZE)  # type: ignore[arg-type]
        Relationship.objects.bulk_create(relationships, batch_size=BATCH_SIZE)
        Alias.objects.bulk_create(aliases, batch_size=BATCH_SIZE)
        PersonNameToken.objects.bulk_create(tokens, batch_size=BATCH_SIZE)
