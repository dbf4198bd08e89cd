"""What can be followed, as a short key stored on the subscription and on each change it concerns:

    commitment:<code>      a commitment (ECPTZ0001): everything published about it
    milestone:<pk>         one milestone: its updates and its new progress
    indicator:<pk>         one indicator: its new values
    work:<code>            a road work (its RoadWork.code): monthly progress, documents, start and completion
    code:<tracking code>   one road request (VP-XXXX-XX) or suggestion, by its tracking code: its public changes
    canton:<INEC code>     everything that happens in a canton (1601)
    parish:<INEC code>     everything that happens in a parish (160150)
    reports                each newly published progress report
    participation          each new survey and each meeting announced

A change lists every key it concerns (a road work's progress concerns the work, its commitment, its cantons and
parishes), and an address gets it once however many of those it follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from commitments.models import Canton, Commitment, Indicator, Milestone, Parish
from conecta.fallbacks import is_fallback, text_in
from feedback.models import Suggestion
from feedback.services import tracking_code_normalise
from roads.models import CODE_PATTERN, RoadRequest, RoadWork
from roads.services import request_tracking_code_normalise

KINDS = ("commitment", "milestone", "indicator", "work", "code", "canton", "parish", "reports", "participation")
REPORTS = "reports"
PARTICIPATION = "participation"


def key(kind: str, value: object = None) -> str:
    """The key of a target: key("commitment", "ECPTZ0001") == "commitment:ECPTZ0001"; key("reports") == "reports"."""
    if kind not in KINDS:
        raise ValueError(f"Unknown target kind {kind!r}")
    return kind if value is None else f"{kind}:{value}"


def split(target: str) -> tuple[str, str]:
    """("commitment", "ECPTZ0001") of "commitment:ECPTZ0001"; ("reports", "") of "reports". ValueError when it is
    not a key of KINDS: the keys without a value ("reports", "participation") have no colon, the others a value
    after it. ("reports:" is refused: the changes carry "reports", and a subscription stored with another spelling
    would never match one.)"""
    kind, sep, value = target.partition(":")
    if kind not in KINDS or (sep if kind in (REPORTS, PARTICIPATION) else not value):
        raise ValueError(f"Not a target key: {target!r}")
    return kind, value


# What each target is, for people: resolve(), options() and label_es().

# What a key's value may be, per kind, before any query: anything else is no target (and never reaches the database).
_VALUES = {
    "commitment": re.compile(r"[A-Z]{2,6}\d{4}"),
    # Primary keys of at most 18 digits: always below the largest a database column holds (2**63 - 1).
    "milestone": re.compile(r"[1-9]\d{0,17}"),
    "indicator": re.compile(r"[1-9]\d{0,17}"),
    "work": re.compile(CODE_PATTERN.strip("^$")),
    "code": re.compile(r"[A-Z]{2}-[A-Z0-9]{4}-[A-Z0-9]{2}"),
    "canton": re.compile(r"16\d{2}"),
    "parish": re.compile(r"16\d{4}"),
}


@dataclass(frozen=True)
class Target:
    """A published thing that can be followed: its key, its kind (of KINDS), a short label in the active language
    and the path of its public page (in the active language; the e-mails make it absolute with SITE_URL).
    `fallback` says that the label holds a Spanish text where its Kichwa is missing (conecta.fallbacks), for the
    page to mark it lang="es"."""

    key: str
    kind: str
    label: str
    url: str
    fallback: bool = False


def resolve(target: str) -> Target | None:
    """The published thing `target` names, or None: an unknown or malformed key, something unpublished (a
    commitment, a milestone or indicator of an unpublished commitment, a road work), a tracking code that no
    suggestion or road request has (or one moderators rejected or hid). One query at most; none for "reports"
    and "participation".

    A code's label is its kind and code ("Road request VP-7K3M-Q9"), never what the citizen wrote."""
    try:
        kind, value = split(target)
    except ValueError:
        return None
    if kind == REPORTS:
        return Target(key(kind), kind, gettext("New progress reports"), reverse("reports:list"))
    if kind == PARTICIPATION:
        return Target(key(kind), kind, gettext("New surveys and meetings"), reverse("feedback:participate"))
    if not _VALUES[kind].fullmatch(value):
        return None
    return _RESOLVERS[kind](value)


def options(target: str) -> list[Target]:
    """What the follow form offers for `target`: a commitment, then its published milestones, then its published
    indicators (three queries); a canton, then its parishes (two); anything else, itself. Empty when `target`
    resolves to nothing."""
    try:
        kind, value = split(target)
    except ValueError:
        return []
    if kind == "commitment" and _VALUES[kind].fullmatch(value):
        commitment = _commitment_row(value)
        if commitment is None:
            return []
        milestones = Milestone.objects.published().filter(commitment=commitment).only(*_MILESTONE_FIELDS)
        indicators = Indicator.objects.published().filter(commitment=commitment).only(*_INDICATOR_FIELDS)
        return [
            _commitment_target(commitment),
            *(_milestone_target(milestone, commitment.code) for milestone in milestones),
            *(_indicator_target(indicator, commitment.code) for indicator in indicators),
        ]
    if kind == "canton" and _VALUES[kind].fullmatch(value):
        canton = _canton_row(value)
        if canton is None:
            return []
        parishes = Parish.objects.filter(canton=canton).only("pk", "code", *_NAMES)
        return [_canton_target(canton), *(_parish_target(parish, canton) for parish in parishes)]
    found = resolve(target)
    return [] if found is None else [found]


def label_es(target: str) -> str:
    """The Spanish label of `target` (what Subscription.target_label keeps), or "" when it resolves to nothing."""
    with translation.override("es"):
        found = resolve(target)
    return str(found.label) if found is not None else ""


_LANGUAGES = ("es", "qu")
_NAMES = tuple(f"name_{language}" for language in _LANGUAGES)
_MILESTONE_FIELDS = ("pk", "commitment_id", *(f"title_{language}" for language in _LANGUAGES))
_INDICATOR_FIELDS = ("pk", "commitment_id", *_NAMES)


def _commitment_row(code: str) -> Commitment | None:
    fields = ("pk", "code", *(f"title_{language}" for language in _LANGUAGES))
    return Commitment.objects.published().filter(code=code).only(*fields).first()


def _commitment(code: str) -> Target | None:
    commitment = _commitment_row(code)
    return None if commitment is None else _commitment_target(commitment)


def _commitment_target(commitment: Commitment) -> Target:
    title = text_in(commitment, "title")
    label = f"{commitment.code} · {title}"
    return Target(
        key("commitment", commitment.code), "commitment", label, commitment.get_absolute_url(), is_fallback(title)
    )


def _milestone(pk: str) -> Target | None:
    milestone = (
        Milestone.objects.published()
        .filter(pk=int(pk))
        .select_related("commitment")
        .only(*_MILESTONE_FIELDS, "commitment__code")
        .first()
    )
    return None if milestone is None else _milestone_target(milestone, milestone.commitment.code)


def _milestone_target(milestone: Milestone, code: str) -> Target:
    title = text_in(milestone, "title")
    label = gettext("Milestone “%(title)s” of %(code)s") % {"title": title, "code": code}
    url = reverse("commitments:detail", kwargs={"code": code}) + "#ms-h"
    return Target(key("milestone", milestone.pk), "milestone", label, url, is_fallback(title))


def _indicator(pk: str) -> Target | None:
    indicator = (
        Indicator.objects.published()
        .filter(pk=int(pk))
        .select_related("commitment")
        .only(*_INDICATOR_FIELDS, "commitment__code")
        .first()
    )
    return None if indicator is None else _indicator_target(indicator, indicator.commitment.code)


def _indicator_target(indicator: Indicator, code: str) -> Target:
    name = text_in(indicator, "name")
    label = gettext("Indicator “%(name)s” of %(code)s") % {"name": name, "code": code}
    url = reverse("commitments:detail", kwargs={"code": code}) + f"#ind-{indicator.pk}"
    return Target(key("indicator", indicator.pk), "indicator", label, url, is_fallback(name))


def _work(code: str) -> Target | None:
    work = RoadWork.objects.published().filter(code=code).only("pk", "code", *_NAMES).first()
    if work is None:
        return None
    name = text_in(work, "name")
    label = gettext("Road work %(code)s · %(name)s") % {"code": work.code, "name": name}
    return Target(key("work", code), "work", label, work.get_absolute_url(), is_fallback(name))


# The label of a suggestion's code, per kind (whole sentences: no label is built from pieces).
_SUGGESTION_LABELS = {
    Suggestion.Kind.SUGGESTION: gettext_lazy("Suggestion %(code)s"),
    Suggestion.Kind.COMPLAINT: gettext_lazy("Complaint %(code)s"),
    Suggestion.Kind.QUESTION: gettext_lazy("Question %(code)s"),
}


def _code(code: str) -> Target | None:
    """A road request's or a suggestion's code (by its prefix, VP or PZ). Only the code and the kind are read:
    what the person wrote never leaves the database here."""
    if request_tracking_code_normalise(code) == code:
        found = RoadRequest.objects.counted().filter(tracking_code=code).exists()
        if not found:
            return None
        label = gettext("Road request %(code)s") % {"code": code}
        url = f"{reverse('roads:request_track')}?{urlencode({'codigo': code})}"
    elif tracking_code_normalise(code) == code:
        kind = Suggestion.objects.counted().filter(tracking_code=code).values_list("kind", flat=True).first()
        if kind is None:
            return None
        label = str(_SUGGESTION_LABELS.get(kind, _SUGGESTION_LABELS[Suggestion.Kind.SUGGESTION])) % {"code": code}
        url = f"{reverse('feedback:track')}?{urlencode({'codigo': code})}"
    else:
        return None
    return Target(key("code", code), "code", label, url)


def _canton_row(code: str) -> Canton | None:
    return Canton.objects.filter(code=code).only("pk", "code", "slug", *_NAMES).first()


def _canton(code: str) -> Target | None:
    canton = _canton_row(code)
    return None if canton is None else _canton_target(canton)


def _canton_target(canton: Canton) -> Target:
    name = text_in(canton, "name")
    label = gettext("Canton %(name)s") % {"name": name}
    url = reverse("commitments:canton", kwargs={"slug": canton.slug})
    return Target(key("canton", canton.code), "canton", label, url, is_fallback(name))


def _parish(code: str) -> Target | None:
    parish = (
        Parish.objects.filter(code=code)
        .select_related("canton")
        .only("pk", "code", "canton", *_NAMES, "canton__slug", *(f"canton__{name}" for name in _NAMES))
        .first()
    )
    return None if parish is None else _parish_target(parish, parish.canton)


def _parish_target(parish: Parish, canton: Canton) -> Target:
    """A parish has no page of its own: its canton's page lists it."""
    name, canton_name = text_in(parish, "name"), text_in(canton, "name")
    label = gettext("Parish %(name)s (canton %(canton)s)") % {"name": name, "canton": canton_name}
    url = reverse("commitments:canton", kwargs={"slug": canton.slug}) + "#parishes-h"
    return Target(key("parish", parish.code), "parish", label, url, is_fallback(name) or is_fallback(canton_name))


_RESOLVERS = {
    "commitment": _commitment,
    "milestone": _milestone,
    "indicator": _indicator,
    "work": _work,
    "code": _code,
    "canton": _canton,
    "parish": _parish,
}
