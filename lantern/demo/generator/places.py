"""Invented place names, streets and postcodes. Nothing here is a real
address: town names are built from syllables and postcodes use the area
letters "WX", which Royal Mail does not use."""

import random

_TOWN_STARTS = [
    "Ash", "Brack", "Cold", "Dun", "Elm", "Fen", "Gar", "Hol", "Ket", "Lang", "Mar", "Nor",
    "Oak", "Ped", "Rad", "Shel", "Thorn", "Wes", "Wych", "Yar", "Bram", "Crow", "Hart", "Mill",
]  # fmt: skip
_TOWN_ENDS = [
    "ham", "ford", "bridge", "wick", "by", "thorpe", "stead", "field", "mouth", "borough", "ton", "well",
]  # fmt: skip
_COUNTIES = ["Wexhamshire", "Calderwick", "Harrowfield", "Northmoor", "Ashdownshire", "Fenmarsh"]
_STREET_KINDS = ["Road", "Street", "Close", "Lane", "Avenue", "Crescent", "Way", "Gardens", "Drive", "Court"]
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def county_name(rng: random.Random) -> str:
    return rng.choice(_COUNTIES)


def town_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_TOWN_STARTS) + rng.choice(_TOWN_ENDS)
        if name not in names:
            names.append(name)
    return names


def street(rng: random.Random, surname: str) -> str:
    return f"{rng.randint(1, 180)} {surname} {rng.choice(_STREET_KINDS)}"


def postcode(rng: random.Random, district: int) -> str:
    letters = "".join(rng.choice(_POSTCODE_LETTERS) for _ in range(2))
    return f"WX{district + 1} {rng.randint(1, 9)}{letters}"


def phone(rng: random.Random) -> str:
    # Ofcom keeps 07700 900000-900999 for drama: no one can be rung by mistake.
    return f"07700 900{rng.randrange(1000):03d}"
