"""Loader of the demo survey (used by `load_demo`): it creates the survey when it is missing, with its questions
and options, and never changes it once it exists (staff may have edited it). Running it twice changes nothing.

One open survey, marked as example data, on how people prefer to hear about the plan: the channels the plan
itself names for reaching every community (radio, community assemblies, WhatsApp, this portal, printed notices),
how useful the portal is, and a free-text question. It opens on 1 January 2026 and closes at the end of the
plan's last day. No responses are invented: its results are whatever people answer.

The Kichwa texts are our own Unified Kichwa and await community review (`review:` comments).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from commitments.models import ActionPlan
from commitments.plan_data import END, PLAN_SLUG
from conecta.loading import LoadTally, create_missing

from .models import Choice, Question, Survey

SLUG = "como-quiere-informarse-del-plan"
OPENS_ON = date(2026, 1, 1)

CHANNELS = [
    ("Radio", "Radio"),
    # review: "ayllu llakta tantanakuy" = community assembly.
    ("Asamblea comunitaria", "Ayllu llakta tantanakuy"),
    ("WhatsApp", "WhatsApp"),
    ("Este portal (Conecta Pastaza)", "Kay portal (Conecta Pastaza)"),
    # review: "killkashka willaykuna" = written (printed) notices.
    ("Avisos impresos", "Killkashka willaykuna"),
]

SURVEY = {
    "title_es": "¿Cómo prefiere informarse sobre el plan de gobierno abierto?",
    # review: "Paskalla Kamachiy" = open government, as in meetings.loaders.
    "title_qu": "¿Paskalla Kamachiy planmanta imashina willachishka kanata munanki?",
    "description_es": (
        "Queremos saber por qué medios prefiere enterarse de los avances del Plan de Acción de Gobierno Abierto "
        "de Pastaza 2024-2027, para que la información llegue a todas las comunidades. Responder toma unos dos "
        "minutos y no pedimos su nombre."
    ),
    # review: "ishkay uchilla pacha" = two minutes.
    "description_qu": (
        "Pastazapak Paskalla Kamachiy plan imashina katikta ima ñankunawan yachanata munankita yachanata "
        "munanchik, tukuy llaktakunaman willaykuna chayachun. Kutichinkapakka ishkay uchilla pachallatami "
        "mutsunki, shutitaka mana mañanchikchu."
    ),
}

QUESTIONS = [
    {
        "order": 1,
        "kind": Question.Kind.MULTIPLE,
        "required": True,
        "text_es": "¿Por qué medios le gustaría recibir información sobre el plan?",
        "text_qu": "¿Ima ñankunawan plan willaykunata chaskinata munanki?",
        "help_text_es": "",
        "help_text_qu": "",
        "choices": CHANNELS,
    },
    {
        "order": 2,
        "kind": Question.Kind.SINGLE,
        "required": False,
        "text_es": "Si tuviera que elegir uno solo, ¿cuál prefiere?",
        # review: "maykan" = which one.
        "text_qu": "Shukllata akllana kakpika, ¿maykantatak ashtawan munanki?",
        "help_text_es": "",
        "help_text_qu": "",
        "choices": CHANNELS,
    },
    {
        "order": 3,
        "kind": Question.Kind.SCALE,
        "required": False,
        "text_es": "¿Qué tan útil le resulta este portal para seguir el plan?",
        # review: "mashna allitak" = how good (useful).
        "text_qu": "¿Kay portalka plan katinkapak mashna allitak kan?",
        "help_text_es": "1 es nada útil; 5, muy útil.",
        "help_text_qu": "1 mana alli; 5 ancha alli.",
        "choices": [],
    },
    {
        "order": 4,
        "kind": Question.Kind.TEXT,
        "required": False,
        "text_es": "¿Qué más le gustaría saber del plan, o cómo podríamos informarle mejor?",
        "text_qu": "¿Planmanta imatatak ashtawan yachanata munanki, imashinatak ashtawan alli willay ushanchik?",
        "help_text_es": "Se publica con los resultados, después de moderarla. No escriba datos personales.",
        # review: "ama ... killkaychu" = do not write.
        "help_text_qu": "Kay kutichikunaka rikurinka. Ama kikinpak shutita, yupaykunatapash killkaychu.",
        "choices": [],
    },
]


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


@transaction.atomic
def survey_demo_load(*, plan: ActionPlan | None = None, tally: LoadTally | None = None) -> Survey:
    """The demo survey, open from 1 January 2026 to the end of the plan's last day, with its four questions.

    1. Create the survey when it is missing, keyed by its slug; one that exists is left as it is.
    2. A survey created now gets its questions and their options; one that existed keeps its own.
    """
    tally = tally if tally is not None else LoadTally()
    plan = plan or ActionPlan.objects.filter(slug=PLAN_SLUG).first()
    ends_on = plan.ends_on if plan else END
    survey, created = create_missing(
        Survey,
        {"slug": SLUG},
        {
            **SURVEY,
            "plan": plan,
            "opens_at": _local(OPENS_ON, time(0, 0)),
            "closes_at": _local(ends_on, time(23, 59)),
            "is_published": True,
            "is_illustrative": True,
        },
        tally=tally,
        kind="surveys",
    )
    if not created:
        return survey  # its questions and options are the staff's now, whatever they hold
    for row in QUESTIONS:
        tally.add("survey questions", created=True)
        tally.add("survey options", created=True, count=len(row["choices"]))
        values = {k: v for k, v in row.items() if k not in ("order", "choices")}
        question = Question.objects.create(survey=survey, order=row["order"], **values)
        Choice.objects.bulk_create(
            [
                Choice(question=question, order=number, text_es=text_es, text_qu=text_qu)
                for number, (text_es, text_qu) in enumerate(row["choices"], start=1)
            ]
        )
    return survey
