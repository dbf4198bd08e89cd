"""Loader of the plan's co-creation workshops (used by `load_demo`): it creates a workshop that is missing, with
its attendance, and never changes one that exists (staff may have corrected it). Running it twice changes nothing.

Source: action-plan-2024-2027.txt, "Who participated in these spaces?" (the three workshops of 21 and 22
November 2024 and their participants by gender and by sector), "What kind of spaces have you used or created..."
(the four stages every working group went through: their agenda) and FCD's news of 16 January 2025 (held in Puyo,
the seat of canton Pastaza, INEC 1601).
The plan does not say which of the two days each workshop met, so each is recorded as 21-22 November.
The Kichwa titles and summaries are our own Unified Kichwa and await community review.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from commitments.models import ActionPlan, Axis, Canton
from commitments.plan_data import PLAN_SLUG
from conecta.loading import LoadTally, create_missing

from .models import Meeting, MeetingAttendance, meeting_attendance_check

Category = MeetingAttendance.Category
GENDER, SECTOR = MeetingAttendance.Dimension.GENDER, MeetingAttendance.Dimension.SECTOR

SUMMARY_ES = (
    "Una de las tres mesas de trabajo presenciales en las que se cocreó el primer Plan de Acción de Gobierno Abierto "
    "de Pastaza. Tuvo cuatro etapas: sensibilización sobre el modelo de gobierno abierto, a cargo de la Fundación "
    "Ciudadanía y Desarrollo (FCD); presentación de los desafíos y de las actividades del Gobierno Provincial; "
    "análisis de los principales problemas; y propuestas ciudadanas consensuadas para el plan."
)
# review: Kichwa summary written by the team, awaiting community review.
SUMMARY_QU = (
    "Pastazapak shukniki Paskalla Kamachiy rurana yuyayta tantanakushpa rurankapak kimsa llamkana tantanakuykunamanta "
    "shukmi. Chusku pachapi rurarirka: FCD paskalla kamachiymanta yachachirka; Markapak Kamachik Wasi paypak "
    "llamkaykunata rikuchirka; sinchi llakikunata rikurkakuna; llaktayukkuna tukuylla yuyaykunata kurkakuna."
)

# The plan's four stages of each working group, one item per line (the meeting page lists them).
AGENDA_ES = "\n".join(
    [
        "Sensibilización: introducción al modelo de gestión de Gobierno Abierto, a cargo de la Fundación Ciudadanía y "
        "Desarrollo (FCD).",
        "Presentación: desafíos, problemáticas y estado actual de las actividades del Gobierno Provincial de Pastaza.",
        "Análisis de los principales problemas identificados.",
        "Propuestas: recopilación de propuestas ciudadanas consensuadas para el Primer Plan de Acción de Gobierno "
        "Abierto de la Provincia de Pastaza.",
    ]
)
# review: the four stages as SUMMARY_QU tells them (the team's Unified Kichwa, awaiting community review).
AGENDA_QU = "\n".join(
    [
        "FCD paskalla kamachiymanta yachachirka.",
        "Markapak Kamachik Wasi paypak llamkaykunata rikuchirka.",
        "Sinchi llakikunata rikurkakuna.",
        "Llaktayukkuna tukuylla yuyaykunata kurkakuna.",
    ]
)
PUYO_CANTON_CODE = "1601"  # canton Pastaza, whose seat is Puyo

WORKSHOPS = [
    {
        "slug": "taller-cocreacion-asentamientos-humanos-2024",
        "axis": Axis.HUMAN_SETTLEMENTS,
        "title_es": "Mesa de trabajo de Asentamientos Humanos (Infraestructura Vial)",
        # review: "Llaktakuna, ñankunapash" = settlements (towns) and roads.
        "title_qu": "Llaktakunamanta ñankunamantapash llamkana tantanakuy",
        "gender": {Category.MEN: 8, Category.WOMEN: 6},
        "sector": {Category.CIVIL_SOCIETY: 4, Category.COMMUNITY: 1, Category.NGO: 1, Category.PUBLIC_SECTOR: 8},
    },
    {
        "slug": "taller-cocreacion-economico-productivo-2024",
        "axis": Axis.ECONOMIC_PRODUCTIVE,
        "title_es": "Mesa de trabajo Económico-Productiva",
        # review: "Kullki, ruraykuna" = money (economy) and work/production.
        "title_qu": "Kullkimanta ruraykunamantapash llamkana tantanakuy",
        "gender": {Category.MEN: 6, Category.WOMEN: 13},
        "sector": {
            Category.ASSOCIATIVE: 8,
            Category.PRIVATE: 2,
            Category.NGO: 3,
            Category.ACADEMIA: 1,
            Category.PUBLIC_SECTOR: 5,
        },
    },
    {
        "slug": "taller-cocreacion-biofisico-2024",
        "axis": Axis.BIOPHYSICAL,
        "title_es": "Mesa de trabajo Biofísica",
        # review: "Allpamama" = the natural environment (as in plan_data's "Allpamamata Kamana Ukku").
        "title_qu": "Allpamamamanta llamkana tantanakuy",
        "gender": {Category.MEN: 11, Category.WOMEN: 10},
        "sector": {
            Category.ASSOCIATIVE: 1,
            Category.PRIVATE: 1,
            Category.NGO: 1,
            Category.ACADEMIA: 7,
            Category.CIVIL_SOCIETY: 3,
            Category.PUBLIC_SECTOR: 8,
        },
    },
]


@transaction.atomic
def workshops_load(*, plan: ActionPlan | None = None, tally: LoadTally | None = None) -> list[Meeting]:
    """The three co-creation workshops of the Pastaza plan, published, with their attendance.

    1. Create each workshop that is missing, keyed by its slug; one that exists is left as it is.
    2. A workshop created now gets the plan's attendance figures, whose totals by gender and by sector are
       checked to agree; one that existed keeps its own figures.
    """
    tally = tally if tally is not None else LoadTally()
    plan = plan or ActionPlan.objects.filter(slug=PLAN_SLUG).first()
    canton = Canton.objects.filter(code=PUYO_CANTON_CODE).first()
    meetings = []
    for row in WORKSHOPS:
        meeting, created = create_missing(
            Meeting,
            {"slug": row["slug"]},
            {
                "plan": plan,
                "kind": Meeting.Kind.COCREATION_WORKSHOP,
                "title_es": row["title_es"],
                "title_qu": row["title_qu"],
                "date": date(2024, 11, 21),
                "end_date": date(2024, 11, 22),
                "place_es": "Puyo",
                "canton": canton,
                "agenda_es": AGENDA_ES,
                "agenda_qu": AGENDA_QU,
                "summary_es": SUMMARY_ES,
                "summary_qu": SUMMARY_QU,
                "axis": row["axis"],
                "is_published": True,
            },
            tally=tally,
            kind="workshops",
        )
        wanted = {(GENDER, k): v for k, v in row["gender"].items()} | {(SECTOR, k): v for k, v in row["sector"].items()}
        if created:
            MeetingAttendance.objects.bulk_create(
                [
                    MeetingAttendance(meeting=meeting, dimension=dimension, category=category, count=count)
                    for (dimension, category), count in wanted.items()
                ]
            )
            meeting_attendance_check(meeting)
            tally.add("workshop attendance figures", created=True, count=len(wanted))
        meetings.append(meeting)
    return meetings
