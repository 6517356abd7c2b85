"""Who the customers of a chunk are: persona, attributes, names, e-mail addresses, first visit.

Attributes are drawn from the true persona's distributions, so the map's segment rules,
written over the attributes, select each persona only approximately. Names follow the
customer's country, including the accents a real customer file has (Seán, Müller,
Hélène); e-mail addresses fold them to ASCII on the reserved example domains.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from journeymap.demo.catalogue import COUNTRIES, COUNTRY_SHARES, DEVICES
from journeymap.demo.effects import REFERRAL_RAMP_DAYS, REFERRED_SHARE
from journeymap.demo.personas import (
    AGE_BANDS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    PERSONAS,
    Demographics,
)
from journeymap.demo.sampling import Bools, Floats, Ints, bernoulli, choose, choose_one, per_row
from journeymap.demo.timeline import DAY, Timeline, at_hour

MARKETING_CONSENT = 0.78
IOS_SHARE = 0.55
ARRIVAL_SHARE_OF_WINDOW = 0.92
"""New customers keep arriving until shortly before the end of the window."""


@dataclass(frozen=True)
class Population:
    """The customers of one chunk; attribute columns hold indices into the personas' tuples."""

    first_number: int
    persona: Ints
    country: Ints
    age_band: Ints
    profession: Ints
    income_band: Ints
    family_status: Ints
    knowledge_level: Ints
    channel_preference: Ints
    first_name: list[str]
    last_name: list[str]
    email: list[str]
    arrival: Floats
    source: Ints
    invited: Bools
    consent: Bools
    app_device: Ints
    web_device: Ints

    def __len__(self) -> int:
        return int(self.persona.size)

    @property
    def numbers(self) -> Ints:
        """Customer numbers as they appear in ids (C000001 is number 1)."""
        result: Ints = np.arange(self.first_number, self.first_number + len(self), dtype=np.int64)
        return result


def draw_population(
    rng: np.random.Generator, timeline: Timeline, *, first_number: int, size: int
) -> Population:
    """Draw ``size`` customers numbered from ``first_number``."""
    persona = choose_one(rng, [p.share for p in PERSONAS], size)

    def attribute(name: str) -> Ints:
        return choose(rng, [getattr(p.demographics, name) for p in PERSONAS], persona)

    columns = {name: attribute(name) for name in Demographics.__dataclass_fields__}
    country = choose_one(rng, COUNTRY_SHARES, size)
    first_name, last_name = _names(rng, country)
    numbers = np.arange(first_number, first_number + size, dtype=np.int64)
    email = _emails(rng, first_name, last_name, numbers)

    arrival = np.floor(rng.random(size) * timeline.days * ARRIVAL_SHARE_OF_WINDOW) * DAY
    for index, profile in enumerate(PERSONAS):
        rows = persona == index
        arrival[rows] = at_hour(rng, arrival[rows], profile.behaviour.active_hours)
    source = choose(rng, [p.behaviour.acquisition for p in PERSONAS], persona)
    ramp = np.minimum(1.0, arrival / (REFERRAL_RAMP_DAYS * DAY))
    invited = bernoulli(rng, REFERRED_SHARE * ramp, size)
    consent = bernoulli(rng, MARKETING_CONSENT, size)
    # each customer keeps one phone and one computer; older customers browse on desktops
    older = columns["age_band"] >= AGE_BANDS.index("55-64")
    ios = bernoulli(rng, IOS_SHARE, size)
    app_device = np.where(ios, DEVICES["ios"], DEVICES["android"]).astype(np.int64)
    desktop = bernoulli(rng, np.where(older, 0.7, 0.4), size)
    web_device = np.where(desktop, DEVICES["desktop"], DEVICES["mobile_web"]).astype(np.int64)
    return Population(
        first_number=first_number,
        persona=persona,
        country=country,
        first_name=first_name,
        last_name=last_name,
        email=email,
        arrival=arrival,
        source=source,
        invited=invited,
        consent=consent,
        app_device=app_device,
        web_device=web_device,
        **columns,
    )


def _names(rng: np.random.Generator, country: Ints) -> tuple[list[str], list[str]]:
    first_draw = rng.random(country.size)
    last_draw = rng.random(country.size)
    first: list[str] = [""] * country.size
    last: list[str] = [""] * country.size
    for code, name in enumerate(COUNTRIES.values):
        rows = np.flatnonzero(country == code)
        firsts, lasts = FIRST_NAMES[name], LAST_NAMES[name]
        first_index = (first_draw[rows] * len(firsts)).astype(np.int64)
        last_index = (last_draw[rows] * len(lasts)).astype(np.int64)
        for row, f, la in zip(
            rows.tolist(), first_index.tolist(), last_index.tolist(), strict=True
        ):
            first[row] = firsts[f]
            last[row] = lasts[la]
    return first, last


def ascii_fold(name: str) -> str:
    """Lower-case ASCII letters only, as mail providers allow (``Ó Briain`` -> ``obriain``)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ß", "ss"))
    return "".join(c for c in decomposed.lower() if c.isascii() and c.isalpha())


_EMAIL_PATTERNS = ("{f}.{l}{n}", "{f}{l}{n}", "{i}{l}{n}", "{f}_{l}{n}", "{l}.{f}{n}")


def _emails(
    rng: np.random.Generator, first: list[str], last: list[str], numbers: Ints
) -> list[str]:
    """Unique addresses: the customer number ends the local part and names hold no digits."""
    pattern = rng.integers(0, len(_EMAIL_PATTERNS), numbers.size).tolist()
    domain = rng.integers(0, len(EMAIL_DOMAINS), numbers.size).tolist()
    folded_first = {name: ascii_fold(name) for name in set(first)}
    folded_last = {name: ascii_fold(name) for name in set(last)}
    result = []
    for f, la, n, p, d in zip(first, last, numbers.tolist(), pattern, domain, strict=True):
        given, family = folded_first[f], folded_last[la]
        local = _EMAIL_PATTERNS[p].format(f=given, l=family, i=given[:1], n=n)
        result.append(f"{local}@{EMAIL_DOMAINS[d]}")
    return result


def behaviour(name: str, persona: Ints) -> Floats:
    """A behaviour parameter of each row's persona (``behaviour("repeat_base", persona)``)."""
    return per_row([getattr(p.behaviour, name) for p in PERSONAS], persona)
