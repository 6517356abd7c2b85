"""Redaction: every planted e-mail, phone, card, IBAN and address goes; near-misses stay."""

from __future__ import annotations

import random

import pytest

from journeymap.voice import PersonalData, Redactor, redact

EMAILS = ("jane.doe@example.org", "J.O'Neil+shop@mail.example.co.uk", "lena_2@web.example.de")
PHONES = (
    "07700 900123",  # GB mobile, drama range (not "valid", still a number to a reader)
    "+44 20 7946 0958",
    "0044 20 7946 0958",
    "020 7946 0958",
    "+353 1 234 5678",
    "(01) 234 5678",
    "030 12345678",
    "030/1234567",
    "+49 30 12345678",
    "06-12345678",
    "020 123 4567",
    "+31 20 123 4567",
    "01 23 45 67 89",
    "01.23.45.67.89",
    "+33 1 23 45 67 89",
    "0800 046 8200",
)
CARDS = ("4111 1111 1111 1111", "4111-1111-1111-1111", "5500005555555559", "378282246310005")
IBANS = (
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "DE89 3704 0044 0532 0130 00",
    "NL91ABNA0417164300",
    "FR14 2004 1010 0505 0001 3M02 606",
    "IE29 AIBK 9311 5212 3456 78",
)
ADDRESSES = (
    "12 Baker Street, London NW1 6XE",
    "221B Baker St.",
    "4 Church Lane",
    "14 Main Street, Dublin D02 X285",
    "Hauptstraße 5, 10115 Berlin",
    "Berliner Straße 12",
    "Kerkstraat 12a, 1017 GC Amsterdam",
    "3 rue de la Paix, 75002 Paris",
    "SW1A 1AA",
)
NEAR_MISSES = (
    "NW-000011-01",  # the demo's order numbers
    "RV-000016-01",
    "£1,234.50",
    "49,99 €",
    "12/03/2025",
    "2025-03-14",
    "14.03.2025",
    "8:00–20:00",
    "4111 1111 1111 1112",  # 16 digits, Luhn fails
    "1234567812345678",
    "GB82 WEST 1234 5698 7654 33",  # IBAN check digits wrong
    "12345678",  # a bare number without trunk prefix
    "28 cm",
    "3 items",
    "order 12 of 40",
)
TEMPLATES = (
    "Hi, it's about my order. {value} is what you need. Thanks",
    "Please use {value} from now on.",
    "Mijn gegevens: {value}. Groeten",
    "Voici: {value} – merci !",
    "{value}",
)
PLANTED = {
    PersonalData.EMAIL: EMAILS,
    PersonalData.PHONE: PHONES,
    PersonalData.CARD: CARDS,
    PersonalData.IBAN: IBANS,
    PersonalData.ADDRESS: ADDRESSES,
}


def corpus(seed: int = 5) -> list[tuple[str, str, PersonalData | None]]:
    """(text, planted value, kind) for every planted value and near-miss in every template."""
    rng = random.Random(seed)
    cases: list[tuple[str, str, PersonalData | None]] = []
    for kind, values in PLANTED.items():
        for value in values:
            for template in TEMPLATES:
                cases.append((template.format(value=value), value, kind))
    for value in NEAR_MISSES:
        for template in TEMPLATES:
            cases.append((template.format(value=value), value, None))
    rng.shuffle(cases)
    return cases


@pytest.mark.parametrize(("text", "value", "kind"), corpus())
def test_the_redaction_corpus(text: str, value: str, kind: PersonalData | None) -> None:
    result = redact(text)
    if kind is None:
        assert result.text == text, f"near-miss {value!r} was redacted"
        assert not result.changed
    else:
        assert value not in result.text
        assert kind.placeholder in result.text, (kind, result.text)
        assert result.found == {kind: 1}


def test_a_message_with_everything_in_it() -> None:
    text = (
        "Order NW-000047-02 (£59.00, 12/03/2025) never came. Call me on 07700 900123 or "
        "mail jane.doe@example.org. Refund to GB82 WEST 1234 5698 7654 32, not my card "
        "4111 1111 1111 1111. I live at 12 Baker Street, London NW1 6XE."
    )
    result = redact(text)
    assert result.text == (
        "Order NW-000047-02 (£59.00, 12/03/2025) never came. Call me on [PHONE] or "
        "mail [EMAIL]. Refund to [IBAN], not my card [CARD]. I live at [ADDRESS]."
    )
    assert result.found == dict.fromkeys(PersonalData, 1)


def test_kinds_and_regions_can_be_chosen() -> None:
    only_mail = Redactor(kinds=frozenset({PersonalData.EMAIL}))
    assert only_mail("a@b.org 07700 900123") == "[EMAIL] 07700 900123"
    assert Redactor(regions=("FR",))("01 23 45 67 89") == "[PHONE]"
    assert Redactor(regions=("US",))("07700 900123") == "07700 900123"


def test_empty_text_is_left_alone() -> None:
    assert redact("").text == ""
    assert not redact("No personal data here, just a late parcel.").changed
