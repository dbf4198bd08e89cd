"""conecta.mail: every e-mail of the portal is a subject template and a body template, rendered together in one
language (the reader's, or Spanish), and sent from the portal's address."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from conecta.mail import mail_language, send_templated

ROOT = Path(settings.BASE_DIR)
RECEIVED = "feedback/email/suggestion_received"


def _received_context(**extra) -> dict:
    return {
        "suggestion": SimpleNamespace(tracking_code="PZ-7K3M-Q9"),
        "tracking_url": "https://conecta.example/seguimiento/",
        "privacy_url": "https://conecta.example/privacidad/",
        **extra,
    }


def test_it_renders_the_subject_and_the_body_in_the_readers_language_and_sends_from_the_portal():
    send_templated(to=["kuri@example.org"], template=RECEIVED, context=_received_context(), language="qu")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Kanpak willayta chaskirkanchikmi: PZ-7K3M-Q9"
    assert message.to == ["kuri@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "PZ-7K3M-Q9" in message.body
    assert "We received your message" not in message.body and "Recibimos" not in message.body


@pytest.mark.parametrize("language", [None, "", "en", "xx"])
def test_a_language_the_portal_does_not_speak_gives_spanish(language):
    send_templated(to=["rosa@example.org"], template=RECEIVED, context=_received_context(), language=language)

    assert mail.outbox[0].subject == "Recibimos su mensaje: PZ-7K3M-Q9"
    assert mail_language(language) == "es"


def test_a_context_function_is_called_inside_the_language_so_its_links_are_in_it_too():
    def context() -> dict:
        return _received_context(tracking_url=reverse("feedback:track"), privacy_url=reverse("privacy"))

    with translation.override("es"):
        send_templated(to=["kuri@example.org"], template=RECEIVED, context=context, language="qu")
        assert translation.get_language() == "es"  # the caller's language is given back

    body = mail.outbox[0].body
    assert "/qu/participa/seguimiento/" in body
    assert "/es/" not in body


def _digest_context(**extra) -> dict:
    from django.utils import timezone

    return {
        "day": timezone.localdate(),
        "since": timezone.now(),
        "new": {},
        "counts": {},
        "pending": {},
        "blocks": [],
        "admin_url": "https://conecta.example/admin/feedback/",
        **extra,
    }


def test_the_subject_is_one_line_whatever_the_template_leaves_around_it():
    send_templated(to=["rosa@example.org"], template="feedback/email/digest", context=_digest_context(total=2))

    assert mail.outbox[0].subject == "Participación ciudadana: 2 aportes nuevos desde ayer"


CODE, TRACKING = "ECPTZ0001", "PZ-7K3M-Q9"
# Each subject template, a context, and the subject the portal sent before the templates existed (gettext of the
# catalogue's msgid): the Spanish and Kichwa translations keep applying.
SUBJECTS = [
    (
        "commitments/email/update_submitted",
        {"update": SimpleNamespace(commitment=SimpleNamespace(code=CODE))},
        lambda: gettext("Progress update awaiting review: %(code)s") % {"code": CODE},
    ),
    (
        RECEIVED,
        {"suggestion": SimpleNamespace(tracking_code=TRACKING)},
        lambda: gettext("We received your message: %(code)s") % {"code": TRACKING},
    ),
    (
        "feedback/email/suggestion_answered",
        {"suggestion": SimpleNamespace(tracking_code=TRACKING), "again": False},
        lambda: gettext("Your message %(code)s has been answered") % {"code": TRACKING},
    ),
    (
        "feedback/email/suggestion_answered",
        {"suggestion": SimpleNamespace(tracking_code=TRACKING), "again": True},
        lambda: gettext("Your message %(code)s has a new answer") % {"code": TRACKING},
    ),
    (
        "feedback/email/comment_response",
        {"commitment": SimpleNamespace(code=CODE)},
        lambda: gettext("Your comment on %(code)s has an official response") % {"code": CODE},
    ),
    *[
        (
            "feedback/email/digest",
            {"total": count},
            lambda count=count: ngettext(
                "Citizen participation: %(count)s new item since yesterday",
                "Citizen participation: %(count)s new items since yesterday",
                count,
            )
            % {"count": count},
        )
        for count in (1, 3)
    ],
    *[
        (
            "conecta/email/files_differ",
            {"count": count},
            lambda count=count: ngettext(
                "Conecta Pastaza: %(count)s published file is missing or differs from what the portal shows",
                "Conecta Pastaza: %(count)s published files are missing or differ from what the portal shows",
                count,
            )
            % {"count": count},
        )
        for count in (1, 3)
    ],
]


@pytest.mark.parametrize("language", ["es", "qu"])
@pytest.mark.parametrize(("template", "context", "before"), SUBJECTS)
def test_every_subject_is_the_one_the_portal_always_sent(template, context, before, language):
    with translation.override(language):
        expected = before()

    assert expected and "%(" not in expected
    with translation.override(language):
        assert render_to_string(f"{template}_subject.txt", context).strip() == expected


def test_a_mail_server_error_reaches_the_caller_so_it_can_release_its_claim(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(OSError):
        send_templated(to=["rosa@example.org"], template=RECEIVED, context=_received_context())


def test_every_e_mail_template_has_its_subject_template():
    bodies = {
        path
        for path in (ROOT / "templates").glob("*/email/*.txt")
        if not path.stem.endswith("_subject") and "block" not in path.stem
    }

    assert bodies, "no e-mail templates found"
    assert sorted(str(p) for p in bodies if not p.with_name(f"{p.stem}_subject.txt").exists()) == []


SENDING = re.compile(r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|EmailMultiAlternatives)\b")


def test_no_module_but_conecta_mail_sends_an_e_mail():
    apps = [path.parent for path in ROOT.glob("*/apps.py")]
    senders = [
        str(path.relative_to(ROOT))
        for app in apps
        for path in app.rglob("*.py")
        if "migrations" not in path.parts and SENDING.search(path.read_text(encoding="utf-8"))
    ]

    assert senders == ["conecta/mail.py"]
