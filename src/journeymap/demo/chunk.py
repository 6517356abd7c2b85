"""What every stage of one chunk's simulation shares: its random stream, people, log and records.

The checkout, fulfilment and referral steps each live in their own module and receive this
context; it also holds the little per-customer state that outlives one round (how many
orders, whether the welcome call happened, the first delivery).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from journeymap.demo.catalogue import CHANNELS
from journeymap.demo.eventlog import NULL, EventLog
from journeymap.demo.personas import PERSONAS
from journeymap.demo.population import Population, behaviour
from journeymap.demo.records import NpsRecords, OrderRecords, ReviewRecords, SupportCases
from journeymap.demo.sampling import Bools, Floats, Ints, bernoulli
from journeymap.demo.timeline import Timeline, at_hour


@dataclass
class ChunkContext:
    """The shared, mutable state of one chunk's simulation."""

    rng: np.random.Generator
    timeline: Timeline
    people: Population
    log: EventLog
    orders: list[OrderRecords] = field(default_factory=list)
    cases: list[SupportCases] = field(default_factory=list)
    reviews: list[ReviewRecords] = field(default_factory=list)
    nps: list[NpsRecords] = field(default_factory=list)
    order_count: Ints = field(init=False)
    welcomed: Bools = field(init=False)
    first_delivered: Floats = field(init=False)
    first_round_last: Floats = field(init=False)
    latent_score: Floats = field(init=False)
    loyalty: Ints = field(init=False)
    first_channel: Ints = field(init=False)
    first_device: Ints = field(init=False)

    def __post_init__(self) -> None:
        size = len(self.people)
        self.order_count = np.zeros(size, dtype=np.int64)
        self.welcomed = np.zeros(size, dtype=np.bool_)
        self.first_delivered = np.full(size, np.nan)
        self.first_round_last = np.full(size, np.nan)
        self.latent_score = np.full(size, np.nan)
        self.loyalty = np.zeros(size, dtype=np.int64)
        self.first_channel, self.first_device = self.online_channel(np.arange(size))

    def persona_value(self, name: str, customer: Ints) -> Floats:
        """A behaviour parameter of each given customer's true persona."""
        return behaviour(name, self.people.persona[customer])

    def daytime(self, customer: Ints, seconds: Floats) -> Floats:
        """Each moment moved to an hour of the same day when that customer's persona is active."""
        result = seconds.copy()
        persona = self.people.persona[customer]
        for index, profile in enumerate(PERSONAS):
            rows = persona == index
            result[rows] = at_hour(self.rng, seconds[rows], profile.behaviour.active_hours)
        return result

    def online_channel(self, customer: Ints) -> tuple[Ints, Ints]:
        """Web or app for each customer's next online moment, and the device it happens on."""
        app = bernoulli(self.rng, self.persona_value("app_share", customer), customer.size)
        channel = np.where(app, CHANNELS["app"], CHANNELS["web"]).astype(np.int64)
        device = np.where(
            app, self.people.app_device[customer], self.people.web_device[customer]
        ).astype(np.int64)
        return channel, device

    def support_case(
        self,
        reason: Ints,
        customer: Ints,
        seconds: Floats,
        *,
        order: Ints | None = None,
        product: Ints | None = None,
        amount: Floats | None = None,
        carrier: Ints | None = None,
        promised: Ints | None = None,
        delivered: Ints | None = None,
        email_only: bool = False,
    ) -> None:
        """Record support contacts and log them as ``support_email`` or ``support_call``.

        Whether a customer writes or calls follows their persona (retirees mostly call).
        """
        size = customer.size
        if size == 0:
            return
        if email_only:
            calls = np.zeros(size, dtype=np.bool_)
        else:
            calls = bernoulli(self.rng, self.persona_value("phone_support_share", customer), size)
        missing = np.full(size, NULL, dtype=np.int64)
        case = SupportCases(
            customer=customer,
            seconds=seconds,
            reason=reason,
            channel=np.where(calls, CHANNELS["phone"], CHANNELS["email"]).astype(np.int64),
            order=missing if order is None else order,
            product=missing if product is None else product,
            amount=np.full(size, np.nan) if amount is None else amount,
            carrier=missing if carrier is None else carrier,
            promised=missing if promised is None else promised,
            delivered=missing if delivered is None else delivered,
        )
        self.cases.append(case)
        for event, rows in (("support_email", ~calls), ("support_call", calls)):
            picked = case.select(rows)
            self.log.add(
                event,
                picked.customer,
                picked.seconds,
                channel=picked.channel,
                order=picked.order,
                product=picked.product,
                reason=picked.reason,
            )
