"""An alert e-mail through a real SMTP server (aiosmtpd, in this process): what a mail program receives (the
one-click unsubscribe headers of RFC 8058, a plain and an HTML part, the reader's language), and that the mail
program's one-click POST to the List-Unsubscribe address, with no session and no CSRF token, unsubscribes."""

from __future__ import annotations

import email
import email.policy
import re
import secrets
import socket
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import Client

from alerts import digests
from alerts.changes import notice
from alerts.models import Digest, Frequency, Recipient, Subscription, SubscriptionState
from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db

PUYO = ZoneInfo("America/Guayaquil")
SITE = "https://conecta.pastaza.gob.ec"


class Collector:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port, and the portal's SMTP backend pointed at it."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = SITE
    yield handler
    controller.stop()


def _received(handler) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in handler.envelopes]


def _follow(address: str, language: str, *targets: str) -> Recipient:
    recipient = Recipient.objects.create(email=address, token=secrets.token_urlsafe(32))
    for target in targets:
        Subscription.objects.create(
            recipient=recipient,
            target=target,
            target_label="Compromiso ambiental" if target.startswith("commitment") else "Puyo",
            language=language,
            frequency=Frequency.DAILY,
            state=SubscriptionState.ACTIVE,
            token=secrets.token_urlsafe(32),
            asked_at=datetime(2026, 3, 1, 9, tzinfo=PUYO),
            confirmed_at=datetime(2026, 3, 1, 9, tzinfo=PUYO),
        )
    return recipient


def _one_day_of_alerts(commitment, *, title_qu: str = "") -> None:
    """The kinds looked at once (what was public is history), a progress update published on 9 March, and the
    sweeps of that day and of the next morning at seven."""
    with time_machine.travel(datetime(2026, 3, 9, 6, 0, tzinfo=PUYO), tick=False) as traveller:
        notice()
        digests.sweep()
        traveller.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=PUYO))
        ProgressUpdateFactory(
            commitment=commitment,
            occurred_on=date(2026, 3, 9),
            title_es="Taller con la parroquia Canelos",
            title_qu=title_qu,
            text_es="Se reunieron 40 personas & se acordó <el> calendario.",
        )
        digests.sweep()
        traveller.move_to(datetime(2026, 3, 10, 7, 0, 30, tzinfo=PUYO))
        digests.sweep()


def _parts(message) -> dict[str, email.message.EmailMessage]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_an_alert_carries_the_one_click_unsubscribe_headers_and_both_parts(smtp_server, commitment):
    recipient = _follow("rosa@example.org", "es", "commitment:TEST0001", "canton:1601")

    _one_day_of_alerts(commitment)

    (message,) = _received(smtp_server)
    assert smtp_server.envelopes[0].rcpt_tos == ["rosa@example.org"]
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in smtp_server.envelopes[0].original_content
    assert message["Subject"] == "Conecta Pastaza: 1 novedad de lo que sigue"
    unsubscribe = message["List-Unsubscribe"].strip()  # folded onto its own line: it is longer than 78
    assert re.fullmatch(rf"<{re.escape(SITE)}/es/alertas/baja/[^/<>\s]+/>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "Conecta Pastaza <daily.alertas.conecta.pastaza.gob.ec>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    text, html = parts["text/plain"].get_content(), parts["text/html"].get_content()
    url = unsubscribe.strip("<>")
    for body in (text, html):
        assert "Taller con la parroquia Canelos" in body
        assert url in body  # the unsubscribe link in the body too
        assert f"{SITE}/es/alertas/gestionar/" in body  # and the manage page
        assert "Compromiso ambiental" in body and "Puyo" in body  # what the address follows
    assert "40 personas & se acordó <el> calendario" in text
    assert "40 personas &amp; se acordó &lt;el&gt; calendario" in html
    assert '<html lang="es">' in html
    # A light HTML part: inline styles only, nothing loaded from anywhere.
    assert not re.search(r"<(img|link|script|style|iframe)\b", html)
    assert all(href.startswith(SITE) for href in re.findall(r'href="([^"]*)"', html))
    assert Digest.objects.get().recipient == recipient


def test_a_kichwa_alert_is_in_kichwa_with_the_spanish_stand_ins_marked(smtp_server, commitment):
    _follow("killa@example.org", "qu", "commitment:TEST0001")

    _one_day_of_alerts(commitment)

    (message,) = _received(smtp_server)
    assert message["Subject"] == "Conecta Pastaza: kanpak katishkamanta 1 mushuk willay"
    assert message["Content-Language"] == "qu"
    assert "/qu/alertas/baja/" in message["List-Unsubscribe"]
    parts = _parts(message)
    text, html = parts["text/plain"].get_content(), parts["text/html"].get_content()
    assert '<html lang="qu">' in html
    # The update has no Kichwa title: the Spanish one stands in, said to be Spanish.
    assert "Taller con la parroquia Canelos (kastilla shimipi)" in text
    assert re.search(r'<li lang="es"[^>]*>\s*<a [^>]*>[^<]*Taller con la parroquia Canelos</a>', html)
    assert '<span lang="qu"' in html


def test_the_one_click_post_to_the_list_unsubscribe_address_ends_the_subscriptions(smtp_server, commitment):
    _follow("rosa@example.org", "es", "commitment:TEST0001", "canton:1601")
    _one_day_of_alerts(commitment)
    (message,) = _received(smtp_server)
    url = urlsplit(message["List-Unsubscribe"].strip().strip("<>"))
    assert url.scheme == "https"

    # The mail program's POST: no session, no cookie, no CSRF token (RFC 8058).
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        url.path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert set(Subscription.objects.values_list("state", flat=True)) == {SubscriptionState.ENDED}
    assert not mail_program.cookies.get("sessionid")


def test_with_the_mail_server_down_nothing_is_lost_and_it_goes_once_it_is_back(smtp_server, settings, commitment):
    _follow("rosa@example.org", "es", "commitment:TEST0001")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nobody listens there

    _one_day_of_alerts(commitment)
    digest = Digest.objects.get()
    assert digest.sent_at is None and "Connection refused" in digest.last_error
    assert smtp_server.envelopes == []

    settings.EMAIL_PORT = port
    with time_machine.travel(datetime(2026, 3, 10, 7, 5, 30, tzinfo=PUYO), tick=False):
        digests.sweep()
        digests.sweep()

    assert len(smtp_server.envelopes) == 1
