"""The protections every public form shares: plain text, keyed hashes, the visitor's address, rate limits."""

import pytest
from django.test import RequestFactory

from feedback import protection
from feedback.services import tracking_code_new, tracking_code_normalise


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("hola\x00mundo", "holamundo"),
        ("  línea 1\r\nlínea 2\rlínea 3  ", "línea 1\nlínea 2\nlínea 3"),
        ("tab\tkept", "tab\tkept"),
        ("bell\x07 escape\x1b[31m del\x7f c1\x85", "bell escape[31m del c1"),
        ("Ñukanchik llakta 🙂👩🏽‍🌾", "Ñukanchik llakta 🙂👩🏽‍🌾"),
        ("مرحبا \u202eRTL\u202c שלום", "مرحبا \u202eRTL\u202c שלום"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        (None, ""),
    ],
)
def test_clean_text_removes_control_characters_and_keeps_every_script(raw, stored):
    assert protection.clean_text(raw) == stored


def test_a_one_line_field_turns_line_breaks_into_spaces():
    assert protection.clean_text("Rosa\nGualinga\tT.", multiline=False) == "Rosa Gualinga T."


def test_the_keyed_hashes_link_the_same_contact_without_keeping_it():
    assert protection.email_hash(" Rosa@Example.org ") == protection.email_hash("rosa@example.org")
    assert protection.phone_hash("+593 99 123 4567") == protection.phone_hash("099-123-4567")
    assert "rosa" not in protection.email_hash("rosa@example.org")
    assert protection.email_hash("") == ""
    assert protection.keyed_hash("email", "x") != protection.keyed_hash("ip", "x")


def test_tracking_codes_use_an_unambiguous_alphabet():
    codes = {tracking_code_new() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 10 and code.startswith("PZ-") and code[7] == "-"
        assert not set(code[3:]) & set("01OIL")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("PZ-7K3M-Q9", "PZ-7K3M-Q9"),
        ("pz-7k3m-q9", "PZ-7K3M-Q9"),
        ("PZ 7K3M Q9", "PZ-7K3M-Q9"),
        ("pz7k3mq9", "PZ-7K3M-Q9"),
        ("7K3MQ9", "PZ-7K3M-Q9"),
        (" 7k3m-q9 ", "PZ-7K3M-Q9"),
        ("PZ-7K3M-Q0", None),  # 0 is not in the alphabet
        ("PZ-7K3", None),
        ("<script>", None),
        ("x" * 5000, None),
        ("", None),
        (None, None),
    ],
)
def test_tracking_codes_are_read_tolerantly(typed, code):
    assert tracking_code_normalise(typed) == code


def test_the_rate_limit_counts_attempts_per_address_and_says_how_long_to_wait(settings):
    settings.PARTICIPATION_RATE_LIMITS = {"default": (2, 10)}
    factory = RequestFactory()
    mine = factory.post("/", REMOTE_ADDR="10.0.0.1")
    theirs = factory.post("/", REMOTE_ADDR="10.0.0.2")

    assert protection.rate_limit_hit(mine, "suggestion") is None
    assert protection.rate_limit_hit(mine, "suggestion") is None
    wait = protection.rate_limit_hit(mine, "suggestion")

    assert wait is not None and 0 < wait <= 600
    assert protection.rate_limit_hit(theirs, "suggestion") is None
    assert protection.rate_limit_hit(mine, "comment") is None
