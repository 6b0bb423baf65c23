"""Risk signals: personal data and links in a text, copied texts, new accounts, own domains."""

import datetime

import pytest

from reviews.risk import (
    Level,
    Signal,
    account_is_new,
    find_email_addresses,
    find_links,
    find_phone_numbers,
    holds_engagement,
    in_order,
    is_near_duplicate,
    jaccard,
    on_agency_domain,
    risk_level,
    shingles,
    text_signals,
)


@pytest.mark.parametrize(
    "text",
    [
        "Call the recruiter on +34 612 345 678 if you dare.",
        "Her number is (555) 123-4567.",
        "Ring 0612345678 and ask for Tom.",
        "UK office: +44 (0)20 7946 0958",
        "Mobile 0034 612 34 56 78, evenings only.",
        "Try 612.345.678 instead",
        "07700 900123 is his direct line",
        "+1-202-555-0143",
    ],
)
def test_phone_numbers_in_international_and_national_formats_are_found(text):
    assert find_phone_numbers(text) != []
    assert Signal.PHONE_NUMBER in text_signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "Applied on 2024-05-01 and heard back on 01/06/2024.",
        "They offered 45,000 to 50,000 a year.",
        "El rango era 30.000-35.000 euros brutos.",
        "I worked there 2019-2021 2022 and again later.",
        "Rated 5 / 5 for speed, 3 interviews in 2 weeks.",
        "Salary band 42000 - 48000.",
        "See https://example.com/jobs/123456789012 for the ad.",
        "Write to recruiter1234567890@example.com",
    ],
)
def test_dates_amounts_years_and_digits_inside_links_or_addresses_are_not_phone_numbers(text):
    assert find_phone_numbers(text) == []


def test_email_addresses_are_found_whatever_their_case():
    assert find_email_addresses("Write to Jane.Doe+jobs@Acme-Talent.co.uk today") == [
        "Jane.Doe+jobs@Acme-Talent.co.uk"
    ]
    assert find_email_addresses("I e-mailed them at noon @ the office") == []


def test_links_need_a_scheme_www_or_a_path_but_a_bare_domain_is_fine():
    assert find_links("See https://bit.ly/xyz and www.acme.example.") != []
    assert find_links("Their posting at acme.example/jobs/42 was fake.") != []
    assert find_links("I applied through acme.com like everyone else.") == []
    assert find_links("jane@acme.com wrote back") == []


def test_a_plain_review_has_no_text_signal():
    text = "They answered within two days and explained why I was not selected. Polite."
    assert text_signals(text) == set()


def test_a_lightly_edited_copy_is_a_near_duplicate_but_a_different_review_is_not():
    original = (
        "This agency never answered my emails and ghosted me after the second interview. "
        "Avoid them at all costs, they waste your time."
    )
    edited = (
        "This agency never answered my e-mails and ghosted me after the 2nd interview! "
        "Avoid them at all costs, they waste your time."
    )
    different = (
        "The recruiter was friendly and gave me detailed feedback after the interview, "
        "even though I did not get the role."
    )
    assert jaccard(shingles(original), shingles(edited)) >= 0.8
    assert is_near_duplicate(edited, [different, original], threshold=0.8)
    assert not is_near_duplicate(different, [original], threshold=0.8)
    assert not is_near_duplicate("", [original], threshold=0.8)


def test_case_accents_and_punctuation_do_not_hide_a_copy():
    assert shingles("Selección RÁPIDA, sin respuesta.") == shingles(
        "seleccion rapida sin respuesta"
    )


def test_an_account_is_new_for_its_first_week():
    now = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
    assert account_is_new(now - datetime.timedelta(days=6, hours=23), now=now, new_account_days=7)
    assert not account_is_new(now - datetime.timedelta(days=7), now=now, new_account_days=7)


@pytest.mark.parametrize(
    ("email", "domain", "same"),
    [
        ("jane@acme.com", "acme.com", True),
        ("Jane@HR.Acme.com", "acme.com", True),
        ("jane@notacme.com", "acme.com", False),
        ("jane@gmail.com", "acme.com", False),
        ("jane@acme.com", "", False),
        ("not-an-address", "acme.com", False),
    ],
)
def test_an_author_on_the_agencys_own_domain_is_spotted(email, domain, same):
    assert on_agency_domain(email, domain) is same


def test_risk_levels_and_holds():
    assert risk_level([]) is Level.NONE
    assert risk_level([Signal.NEW_ACCOUNT, Signal.LINK]) is Level.LOW
    assert risk_level([Signal.NEW_ACCOUNT, Signal.PHONE_NUMBER]) is Level.HIGH
    assert holds_engagement([Signal.BURST])
    assert holds_engagement([Signal.AGENCY_DOMAIN])
    assert not holds_engagement([Signal.NEW_ACCOUNT, Signal.UNVERIFIED_EMAIL])


def test_signals_are_stored_once_each_in_a_fixed_order():
    assert in_order(["link", "burst", Signal.LINK, "new_account"]) == [
        "new_account",
        "burst",
        "link",
    ]
