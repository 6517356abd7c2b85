"""Personal data in customer text, replaced by typed placeholders before anyone reads it.

What customers write to a care team is full of their own details: an address for a
re-delivery, a phone number to call back, sometimes a card number. Analysis needs none of
it, so the importer redacts by default (:func:`redact`) and the raw text is kept only where
the workspace opts in (``[privacy] keep_raw_text = true`` in ``journeymap.toml``).

What is found, and how each find is confirmed so that near-misses stay (an order number
``NW-000011-01``, a price, a date, a sixteen-digit number that is not a card):

=========== ============ ===============================================================
placeholder  what          how
=========== ============ ===============================================================
``[EMAIL]``  addresses     ``name@domain.tld``
``[IBAN]``   bank accounts two letters, two check digits, 11-30 more; the ISO 13616 mod-97
                           check (python-stdnum) must pass
``[CARD]``   card numbers  13-19 digits, single spaces or dashes between; the Luhn check
                           must pass
``[PHONE]``  phone numbers a run of 7-15 digits with the separators people use (spaces,
                           dots, dashes, slashes, brackets), starting with ``+``/``00``
                           or, written nationally, with the trunk ``0`` that every one of
                           the regions (GB, IE, DE, NL, FR by default) uses; the number
                           must be a possible number for the region (phonenumbers, the
                           Python port of Google's libphonenumber). Date shapes never count.
``[ADDRESS]`` addresses    a heuristic: house number and street for GB/IE (``12 Baker
                           Street``), DE (``Hauptstraße 5``), NL (``Kerkstraat 12a``) and FR
                           (``3 rue de la Paix``), with a postcode and town after it; GB
                           postcodes and Irish Eircodes on their own
=========== ============ ===============================================================

Why not ``phonenumbers.PhoneNumberMatcher`` over every region: it scans each text once
per region, a few milliseconds each, and its VALID leniency misses numbers in ranges set
aside for drama (``07700 900123``) that are still phone numbers to a reader. One regular
expression finds the few candidates, and phonenumbers judges only those.

The address heuristic wants capitalised street names and misses addresses written
otherwise; redaction lowers the risk of personal data in analysis, it does not remove it.

>>> redact("Call me on 07700 900123 or mail jo@example.org about NW-000011-01").text
'Call me on [PHONE] or mail [EMAIL] about NW-000011-01'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import phonenumbers
from stdnum import iban, luhn


class PersonalData(StrEnum):
    """A kind of personal data that redaction replaces."""

    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IBAN = "iban"
    ADDRESS = "address"

    @property
    def placeholder(self) -> str:
        """What replaces it in the text: ``[EMAIL]``, ``[PHONE]``..."""
        return f"[{self.value.upper()}]"


DEFAULT_REGIONS: Final = ("GB", "IE", "DE", "NL", "FR")
"""Where national phone numbers are looked for (ISO 3166 codes), in this order."""


@dataclass(frozen=True)
class Redaction:
    """A text with its personal data replaced, and how many of each kind were found."""

    text: str
    found: Mapping[PersonalData, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether anything was redacted."""
        return bool(self.found)


_EMAIL: Final = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_IBAN: Final = re.compile(r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}\b")
_CARD: Final = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
_PHONE: Final = re.compile(
    r"(?<![\w+/.-])(?:\+|\b00|\()?\d(?:[ ./-]?\(?\d\)?){5,17}(?:[ ./-]?\d)(?![\w/-]|\.\d)"
)
_DATE_SHAPE: Final = re.compile(r"^\(?\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\)?$")

_NAME = r"[A-ZÄÖÜÉÈ][\w'’.-]*"
_GB_STREET = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Court|Ct|Crescent|Cres|Place|Pl|"
    r"Square|Sq|Terrace|Gardens|Grove|Way|Hill|Park|Row|Mews|Walk|Green|Parade|Rise|View|"
    r"Quay|Wharf|Boulevard|Blvd"
)
_GB_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}"
_EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[AC-FHKNPRTV-Y0-9]{4}"
_WORD = r"[A-ZÄÖÜÉÈ][a-zäöüßéèêëàâçôûîï'’-]+"
_TOWN = rf"(?:,\s*{_WORD}(?:\s{_WORD})?)?"
_ADDRESSES: Final = tuple(
    re.compile(pattern)
    for pattern in (
        # GB / IE: 12 Baker Street, London NW1 6XE
        rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_NAME}\s+){{1,4}}(?:{_GB_STREET})\b\.?{_TOWN}"
        rf"(?:,?\s*(?:{_GB_POSTCODE}|{_EIRCODE})\b)?",
        # DE / NL, one word: Hauptstraße 5, 10115 Berlin / Kerkstraat 12a, 1017 GC Amsterdam
        r"\b[A-ZÄÖÜ][\wäöüß'-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|"
        r"chaussee|straat|laan|plein|gracht|kade|singel|dijk|dreef|steeg)\s+\d{1,4}"
        r"(?:\s?[a-zA-Z]\b|-\d{1,4})?(?:,?\s*(?:\d{5}|\d{4}\s?[A-Z]{2})\s+[A-ZÄÖÜ][\wäöüß-]+)?",
        # DE, two words: Berliner Straße 12
        r"\b(?:[A-ZÄÖÜ][\wäöüß-]+\s+){1,2}(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Ring|"
        r"Damm)\s+\d{1,4}\s?[a-z]?\b(?:,?\s*\d{5}\s+[A-ZÄÖÜ][\wäöüß-]+)?",
        # FR: 3 bis, rue de la Paix, 75002 Paris
        r"(?i:\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|"
        r"allée|impasse|quai|route|cours|square)\s+(?:(?:de\s+la|de\s+l'|du|des|de|d')\s*)?)"
        rf"{_NAME}(?:\s+{_NAME}){{0,3}}(?:,?\s*\d{{5}}\s+{_NAME})?",
        # A GB postcode or an Eircode on its own
        rf"\b(?:{_GB_POSTCODE}|{_EIRCODE})\b",
    )
)

Span = tuple[int, int]


@dataclass(frozen=True)
class Redactor:
    """Finds and replaces personal data; configure the phone regions and the kinds.

    >>> Redactor(kinds=frozenset({PersonalData.EMAIL}))("jo@example.org, 07700 900123")
    '[EMAIL], 07700 900123'
    """

    regions: Sequence[str] = DEFAULT_REGIONS
    kinds: frozenset[PersonalData] = frozenset(PersonalData)

    def __call__(self, text: str) -> str:
        return self.redact(text).text

    def redact(self, text: str) -> Redaction:
        """``text`` with every find replaced by its placeholder (see the module docstring)."""
        if not text:
            return Redaction(text)
        taken: list[tuple[int, int, PersonalData]] = []
        for kind, finder in self._finders():
            if kind not in self.kinds:
                continue
            for start, end in finder(text):
                if not any(start < e and s < end for s, e, _ in taken):
                    taken.append((start, end, kind))
        if not taken:
            return Redaction(text)
        taken.sort()
        parts: list[str] = []
        position = 0
        for start, end, kind in taken:
            parts.append(text[position:start])
            parts.append(kind.placeholder)
            position = end
        parts.append(text[position:])
        return Redaction("".join(parts), dict(Counter(kind for _, _, kind in taken)))

    def _finders(self) -> Iterator[tuple[PersonalData, Callable[[str], Iterator[Span]]]]:
        # Order matters: an address holds digits a phone pattern would take, an IBAN
        # digits a card pattern would; the more specific find wins the overlap.
        yield PersonalData.EMAIL, _emails
        yield PersonalData.IBAN, _ibans
        yield PersonalData.CARD, _cards
        yield PersonalData.ADDRESS, _addresses
        yield PersonalData.PHONE, self._phones

    def _phones(self, text: str) -> Iterator[Span]:
        for match in _PHONE.finditer(text):
            candidate = match.group().strip()
            if _is_phone(candidate, self.regions):
                yield match.start(), match.end()


def redact(text: str, *, regions: Sequence[str] = DEFAULT_REGIONS) -> Redaction:
    """``text`` with e-mail addresses, phone, card and IBAN numbers and addresses replaced."""
    return Redactor(regions=tuple(regions)).redact(text)


def _emails(text: str) -> Iterator[Span]:
    if "@" in text:
        for match in _EMAIL.finditer(text):
            yield match.span()


def _ibans(text: str) -> Iterator[Span]:
    for match in _IBAN.finditer(text):
        raw = match.group()
        # The pattern may run into following words; try the longest valid prefix.
        ends = [i + 1 for i, char in enumerate(raw) if char != " "]
        for end in reversed(ends):
            compact = raw[:end].replace(" ", "").upper()
            if len(compact) < 15:
                break
            if (end == len(raw) or raw[end] == " ") and iban.is_valid(compact):
                yield match.start(), match.start() + end
                break


def _cards(text: str) -> Iterator[Span]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            yield match.span()


def _addresses(text: str) -> Iterator[Span]:
    for pattern in _ADDRESSES:
        for match in pattern.finditer(text):
            yield match.span()


def _is_phone(candidate: str, regions: Sequence[str]) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15 or _DATE_SHAPE.match(candidate):
        return False
    international = candidate.startswith(("+", "00"))
    if not international and not candidate.lstrip("(").startswith("0"):
        return False
    number = "+" + digits[2:] if candidate.startswith("00") else candidate
    for region in [None] if international else regions:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(parsed):
            return True
    return False
