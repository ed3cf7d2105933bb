"""Identifiers that pass Lantern's validators but cannot belong to anyone.

- NHS numbers start 999: NHS England keeps that range for test data.
- UPNs use local-authority code 999, which the DfE has never allocated.
- Council person IDs carry a "DEMO" prefix no council system uses.
"""

import random

from lantern.people.validators import nhs_number_is_valid, upn_check_letter


class IdentifierMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._nhs: set[str] = set()
        self._upn_serials: dict[tuple[int, int], int] = {}
        self._council = 0

    def nhs_number(self) -> str:
        while True:
            candidate = "999" + f"{self.rng.randrange(1_000_000):06d}"
            total = sum(int(d) * w for d, w in zip(candidate, range(10, 1, -1), strict=True))
            check = (11 - total % 11) % 11
            if check == 10:
                continue
            number = candidate + str(check)
            if number not in self._nhs:
                self._nhs.add(number)
                assert nhs_number_is_valid(number)  # noqa: S101  (a wrong number here is a bug)
                return number

    def upn(self, establishment: int, entry_year: int) -> str:
        """LA code (3) + establishment (4) + year of entry (2) + serial (3)."""
        key = (establishment, entry_year % 100)
        serial = self._upn_serials.get(key, 0) + 1
        self._upn_serials[key] = serial
        body = f"999{establishment:04d}{entry_year % 100:02d}{serial:03d}"
        return upn_check_letter(body) + body

    def council_person_id(self) -> str:
        self._council += 1
        return f"DEMO{self._council:07d}"
