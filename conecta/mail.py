"""The one way the portal builds and sends an e-mail (healthchecks' hc/lib/emails.py is the model).

An e-mail is a pair of templates: `<template>_subject.txt` (one line; whitespace around it is dropped) and
`<template>.txt` (the plain-text body, as it is); `templated_message` adds an HTML part from `<template>.html`.
They are rendered inside one language, so that the subject and the body never mix Spanish and Kichwa: the
reader's when it is one of the portal's languages, the portal's (Spanish) otherwise. A context that holds
translated text or URLs (reverse() puts the language in the path) is given as a function, which is called inside
that language too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, send_mail
from django.template.loader import render_to_string
from django.utils import translation


def mail_language(language: str | None) -> str:
    """`language` when the portal speaks it, else the portal's own (a row may hold an empty or unknown code)."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def send_templated(
    *, to: Iterable[str], template: str, context: dict | Callable[[], dict], language: str | None = None
) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` with `context` (or what the function `context` returns)
    in `language` (see mail_language), and send them from DEFAULT_FROM_EMAIL to the addresses `to`. Errors of the
    mail server are raised: the caller releases its claim so that a retry sends it."""
    with translation.override(mail_language(language)):
        if callable(context):
            context = context()
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(to))


def templated_message(
    *,
    to: Iterable[str],
    template: str,
    context: dict | Callable[[], dict],
    language: str | None = None,
    headers: dict[str, str] | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """An e-mail built as send_templated builds one, with an HTML alternative rendered from `<template>.html`
    (its context also holds the `subject`), headers of its own and the connection it will go over, but not sent:
    for a sender of many e-mails over one connection (the alerts). The caller sends it (`message.send()`) and
    releases its claim when that raises."""
    with translation.override(mail_language(language)):
        if callable(context):
            context = context()
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
