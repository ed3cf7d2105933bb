"""The name index behind fuzzy search: each word of a young person's names
and aliases, normalised, with a phonetic key (Metaphone) so that "Jayden",
"Jaden" and "Jaydon" meet. Shared by the services (one record) and the
synthetic county (bulk)."""

import re
import unicodedata
from collections.abc import Iterable

import jellyfish

from .models import PersonNameToken, YoungPerson

_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, accents stripped, apostrophes and hyphens joined ("O'Neil" -> "oneil")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"['’`]", "", text.lower())


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def phonetic(word: str) -> str:
    if word.isdigit():
        return word
    return jellyfish.metaphone(word)[:20] or word[:20]


def tokens_for(young_person: YoungPerson, aliases: Iterable[str] = ()) -> list[PersonNameToken]:
    names = [young_person.first_name, young_person.last_name, young_person.preferred_name, *aliases]
    seen: set[str] = set()
    tokens = []
    for name in names:
        for word in words(name or ""):
            if word not in seen:
                seen.add(word)
                tokens.append(PersonNameToken(young_person=young_person, token=word[:100], phonetic=phonetic(word)))
    return tokens


def reindex(young_person: YoungPerson) -> None:
    """Rebuild one young person's name tokens (inside the caller's transaction)."""
    PersonNameToken.objects.filter(young_person=young_person).delete()
    aliases = young_person.aliases.values_list("name", flat=True)
    PersonNameToken.objects.bulk_create(tokens_for(young_person, aliases))
