"""Example road works and road requests for `load_demo`, so that the roads pages, the map and the reports show
something before the Public Works department records its own: created when missing, never changed when they
exist (staff may have corrected or unpublished them), and counted in the LoadTally. Running it twice changes nothing.

What is real, from the public record (pastaza-facts.md, commitment ECPTZ0003, "Realistic road demo items"):
- the maintenance of 20 km of the vía Chuwitayu – Chapintza – Kumay carried out with GADP Simón Bolívar
  (relastre and reconformación, ditch cleaning and building, with 6 dump trucks, 2 motor graders, 2 rollers and
  3 excavators; portadatv.com, "Iniciamos mantenimiento en la vía Chuwitayu-Chapintza-Kumay");
- the afirmado works in San José II and Wayusa Urco, San José parish, Santa Clara canton (INEC 160351;
  lonuestroentv.com, "Nuevo proyectos viales y de electrificación para Pastaza").
What is invented, and said so on every page (`is_example`, "datos de ejemplo"): budgets, dates, monthly progress,
the requests and their notes. The lines are approximate: drawn between plausible points near those places, inside
the cantons' INEC polygons (commitments/geo/pastaza-cantons.geojson), and their geometry note says they were not
surveyed. Chuwitayu, Chapintza and Kumay are Kichwa communities of Simón Bolívar parish, east-south-east of Puyo;
San José lies west of Santa Clara.

Road requests have no example flag of their own: each example request's text starts with "[Ejemplo]" and its
notes say they are example data. The Kichwa texts are the team's Unified Kichwa and await community review.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from commitments.models import ActionPlan, Canton, Commitment, Institution, Parish
from commitments.plan_data import PLAN_SLUG
from conecta.loading import LoadTally, create_missing
from feedback.models import Language, Moderation

from .geometry import checked
from .models import (
    DocumentType,
    Executor,
    Financing,
    GeometrySource,
    RoadDocument,
    RoadProgress,
    RoadRequest,
    RoadRequestChange,
    RoadWork,
    Surface,
    WorkKind,
    WorkStatus,
)
from .services import road_progress_refresh

COMMITMENT_CODE = "ECPTZ0003"
PUBLIC_WORKS = "direccion-obras-publicas"  # commitments.plan_data.INSTITUTIONS: Dirección de Obras Públicas

GEOMETRY_NOTE_ES = "Trazado aproximado, no levantado en campo: solo ilustra la ubicación."
# review: approximate line, not measured on the ground: it only shows where it is.
GEOMETRY_NOTE_QU = "Kayllalla siqi, mana pampapi tupushkachu: maypi kashkatalla rikuchin."
EXAMPLE_ES = "El presupuesto, las fechas y los avances son datos de ejemplo."
# review: the money, the dates and the progress are example data.
EXAMPLE_QU = "Kullki, punchakuna, ñawpaman rinapash rikuchinapak willaykunami."

# The news each example work comes from, linked from its page as a document (a link, not a copy): where a reader
# checks what is real in the example.
PORTADA_TV = (
    "https://portadatv.com/iniciamos-mantenimiento-en-la-via-chuwitayu-chapintza-kumay",
    "Noticia: Iniciamos mantenimiento en la vía Chuwitayu – Chapintza – Kumay (Portada TV)",
    # review: news: we began the maintenance of the Chuwitayu – Chapintza – Kumay road (Portada TV).
    "Willay: Chuwitayu – Chapintza – Kumay ñanta kamayta kallarinchik (Portada TV)",
)
LO_NUESTRO_TV = (
    "https://lonuestroentv.com/nuevo-proyectos-viales-y-de-electrificacion-para-pastaza",
    "Noticia: Nuevos proyectos viales y de electrificación para Pastaza (Lo Nuestro TV)",
    # review: news: new road and electricity projects for Pastaza (Lo Nuestro TV).
    "Willay: Pastazapak mushuk ñan, kanchay ruranakuna (Lo Nuestro TV)",
)

WORKS = [
    {
        "code": "VIA-EJEMPLO-01",
        "source": PORTADA_TV,
        "name_es": "Mantenimiento de la vía Chuwitayu – Chapintza – Kumay",
        # review: "ñanta kamay" = caring for the road (maintenance), as WorkStatus.MAINTENANCE says it.
        "name_qu": "Chuwitayu – Chapintza – Kumay ñanta kamay",
        "description_es": (
            "Mantenimiento de 20 km de la vía Chuwitayu – Chapintza – Kumay en convenio con el GAD Parroquial de "
            "Simón Bolívar: relastre y reconformación de la calzada, y limpieza y construcción de cunetas, con 6 "
            "volquetas, 2 motoniveladoras, 2 rodillos y 3 excavadoras. " + EXAMPLE_ES
        ),
        # review: "larka" = ditch; "kutin killpay" = cover again (relastre).
        "description_qu": (
            "Chuwitayu – Chapintza – Kumay ñanpak 20 km kamay, Simón Bolívar kitillipak gobiernowan arinakushpa: "
            "ñanta rumikunawan kutin killpay, allichiypash, yaku purina larkakunata pichay, ruraypash; 6 volquetawan, "
            "2 motoniveladorawan, 2 rodillowan, 3 excavadorawan. " + EXAMPLE_QU
        ),
        "kind": WorkKind.MAINTENANCE,
        "status": WorkStatus.COMPLETION,
        "canton": "1601",
        "parish": "160162",  # Simón Bolívar (cab. en Mushullacta)
        "communities": "Chuwitayu, Chapintza, Kumay",
        "length_km": Decimal("20.00"),
        "start_reference": "Chuwitayu",
        "end_reference": "Kumay",
        "surface_before": Surface.GRAVEL,
        "surface_after": Surface.GRAVEL,
        "executor": Executor.AGREEMENT,
        "partner": "GAD Parroquial Rural de Simón Bolívar",
        "budget": Decimal("48000.00"),
        "planned_start": date(2025, 3, 1),
        "planned_end": date(2025, 6, 30),
        "actual_start": date(2025, 3, 10),
        "actual_end": date(2025, 7, 18),
        "indigenous_territory": True,
        # Approximate: from Chuwitayu (west) east-south-east to Kumay, about 20 km.
        "geometry": [
            [-77.752, -1.614],
            [-77.742, -1.618],
            [-77.721, -1.624],
            [-77.700, -1.633],
            [-77.681, -1.639],
            [-77.662, -1.648],
            [-77.641, -1.655],
            [-77.622, -1.663],
            [-77.603, -1.671],
            [-77.584, -1.679],
        ],
        "progress": [
            (date(2025, 3, 31), 30, "12000.00"),
            (date(2025, 4, 30), 60, "26000.00"),
            (date(2025, 5, 30), 85, "38000.00"),
            (date(2025, 7, 18), 100, "46500.00"),
        ],
    },
    {
        "code": "VIA-EJEMPLO-02",
        "source": LO_NUESTRO_TV,
        "name_es": "Afirmado de la vía en San José II",
        # review: "rumikunawan killpay" = cover with stones (gravel), as WorkKind.GRAVEL says it.
        "name_qu": "San José II ñanta rumikunawan killpay",
        "description_es": (
            "Afirmado de la vía en la comunidad San José II, parroquia San José del cantón Santa Clara, anunciado por "
            "el Gobierno Provincial. " + EXAMPLE_ES
        ),
        "description_qu": (
            "San José II llaktapi ñanta rumikunawan killpay, Santa Clara kitipak San José kitillipi; Markapak "
            "Gobiernomi willarka. " + EXAMPLE_QU
        ),
        "kind": WorkKind.GRAVEL,
        "status": WorkStatus.IMPLEMENTATION,
        "canton": "1603",
        "parish": "160351",  # San José
        "communities": "San José II",
        "length_km": Decimal("3.00"),
        "start_reference": "San José",
        "end_reference": "San José II",
        "surface_before": Surface.EARTH,
        "surface_after": Surface.GRAVEL,
        "executor": Executor.DIRECT,
        "partner": "",
        "budget": Decimal("36000.00"),
        "planned_start": date(2025, 9, 1),
        "planned_end": date(2025, 12, 19),
        "actual_start": date(2025, 9, 15),
        "actual_end": None,
        "indigenous_territory": False,
        "geometry": [
            [-77.936, -1.262],
            [-77.930, -1.265],
            [-77.924, -1.268],
            [-77.918, -1.272],
            [-77.913, -1.276],
        ],
        "progress": [
            (date(2025, 9, 30), 10, "3000.00"),
            (date(2025, 10, 31), 40, "12500.00"),
            (date(2025, 11, 28), 65, "21000.00"),
        ],
    },
    {
        "code": "VIA-EJEMPLO-03",
        "source": LO_NUESTRO_TV,
        "name_es": "Afirmado de la vía a Wayusa Urco",
        "name_qu": "Wayusa Urkuman rik ñanta rumikunawan killpay",
        "description_es": (
            "Afirmado de la vía a la comunidad Wayusa Urco, parroquia San José del cantón Santa Clara, anunciado por "
            "el Gobierno Provincial. " + EXAMPLE_ES
        ),
        "description_qu": (
            "Wayusa Urku llaktaman rik ñanta rumikunawan killpay, Santa Clara kitipak San José kitillipi; Markapak "
            "Gobiernomi willarka. " + EXAMPLE_QU
        ),
        "kind": WorkKind.GRAVEL,
        "status": WorkStatus.IMPLEMENTATION,
        "canton": "1603",
        "parish": "160351",
        "communities": "Wayusa Urco",
        "length_km": Decimal("2.20"),
        "start_reference": "San José",
        "end_reference": "Wayusa Urco",
        "surface_before": Surface.EARTH,
        "surface_after": Surface.GRAVEL,
        "executor": Executor.DIRECT,
        "partner": "",
        "budget": Decimal("29000.00"),
        "planned_start": date(2025, 11, 3),
        "planned_end": date(2026, 2, 27),
        "actual_start": date(2025, 11, 10),
        "actual_end": None,
        "indigenous_territory": False,
        "geometry": [
            [-77.906, -1.283],
            [-77.901, -1.287],
            [-77.896, -1.291],
            [-77.890, -1.295],
        ],
        "progress": [
            (date(2025, 11, 28), 15, "4000.00"),
            (date(2025, 12, 19), 30, "8500.00"),
        ],
    },
]

Status = RoadRequest.Status
# (tracking code, kind, parish, community, road, channel, received on, the work that answers it, fixed on,
# citizen's text, [(day, status, note es, note qu)]). The codes spell "EJEM" (ejemplo) in the tracking alphabet.
REQUESTS = [
    (
        "VP-EJEM-P2",
        RoadRequest.Kind.DRAINAGE,
        "160162",
        "Chapintza",
        "Vía Chuwitayu – Chapintza – Kumay",
        RoadRequest.Channel.ASSEMBLY,
        date(2025, 2, 12),
        "VIA-EJEMPLO-01",
        date(2025, 7, 18),
        "[Ejemplo] Las cunetas están tapadas y el agua corre por la vía entre Chapintza y Kumay.",
        [
            (
                date(2025, 2, 12),
                Status.RECEIVED,
                "Recibida en la asamblea comunitaria de Chapintza (datos de ejemplo).",
                # review: received at Chapintza's community meeting (example data).
                "Chapintza llaktapak tantanakuypi chaskishka (rikuchinapak willaykuna).",
            ),
            (
                date(2025, 3, 10),
                Status.IN_PROGRESS,
                "Se atiende con el mantenimiento de la vía Chuwitayu – Chapintza – Kumay, en convenio con el GAD "
                "Parroquial de Simón Bolívar.",
                # review: it is being fixed with the road's maintenance, by agreement with Simón Bolívar parish.
                "Chuwitayu – Chapintza – Kumay ñanta kamaywan allichikun, Simón Bolívar kitillipak gobiernowan "
                "arinakushpa.",
            ),
            (
                date(2025, 7, 18),
                Status.FIXED,
                "Cunetas limpiadas y calzada reconformada en el tramo de Chapintza.",
                # review: the ditches of the Chapintza stretch were cleaned and the road made good.
                "Chapintza ñanpi yaku purina larkakunata pichashka, ñantapash allichishka.",
            ),
        ],
    ),
    (
        "VP-EJEM-P3",
        RoadRequest.Kind.POTHOLE,
        "160351",
        "San José II",
        "Vía a San José II",
        RoadRequest.Channel.WHATSAPP,
        date(2025, 8, 20),
        "VIA-EJEMPLO-02",
        None,
        "[Ejemplo] Hay baches grandes a la entrada de San José II; los carros se atascan cuando llueve.",
        [
            (
                date(2025, 8, 20),
                Status.RECEIVED,
                "Recibida por WhatsApp (datos de ejemplo).",
                # review: received by WhatsApp (example data).
                "WhatsAppmanta chaskishka (rikuchinapak willaykuna).",
            ),
            (
                date(2025, 9, 2),
                Status.SCHEDULED,
                "Se atenderá con el afirmado de la vía en San José II.",
                # review: it will be fixed with the gravelling of the San José II road.
                "San José II ñanta rumikunawan killpaywan allichinka.",
            ),
        ],
    ),
    (
        "VP-EJEM-P4",
        RoadRequest.Kind.LANDSLIDE,
        "160351",
        "Wayusa Urco",
        "Vía a Wayusa Urco",
        RoadRequest.Channel.PHONE,
        date(2025, 11, 14),
        "VIA-EJEMPLO-03",
        None,
        "[Ejemplo] Un derrumbe tapó media vía antes de llegar a Wayusa Urco.",
        [
            (
                date(2025, 11, 14),
                Status.RECEIVED,
                "Recibida por teléfono (datos de ejemplo).",
                # review: received by phone call (example data), as Channel.PHONE says it.
                "Karu rimanawan chaskishka (rikuchinapak willaykuna).",
            ),
            (
                date(2025, 11, 17),
                Status.IN_PROGRESS,
                "El derrumbe se despeja dentro del afirmado de la vía a Wayusa Urco.",
                # review: the landslide is being cleared as part of the Wayusa Urco road works.
                "Wayusa Urkuman rik ñanta rumikunawan killpaypi allpa urmayta pichakun.",
            ),
        ],
    ),
    (
        "VP-EJEM-P5",
        RoadRequest.Kind.BRIDGE,
        "160162",
        "Kumay",
        "Vía Chuwitayu – Chapintza – Kumay",
        RoadRequest.Channel.WEB,
        date(2025, 12, 3),
        None,
        None,
        "[Ejemplo] El puente de madera cerca de Kumay tiene tablones rotos.",
        [(date(2025, 12, 3), Status.RECEIVED, "", "")],
    ),
]


def _at(day: date) -> datetime:
    """Ten in the morning in Puyo on `day`: when an example change is recorded."""
    return datetime.combine(day, time(10), zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _work_load(row: dict, *, commitment, institution, tally: LoadTally) -> RoadWork | None:
    """One example work with its cantons, parish and progress; None when its canton is not loaded."""
    canton = Canton.objects.filter(code=row["canton"]).first()
    parish = Parish.objects.filter(code=row["parish"]).first()
    if canton is None or parish is None:
        return None
    fields = {key: row[key] for key in row if key not in {"code", "canton", "parish", "progress", "geometry", "source"}}
    work, created = create_missing(
        RoadWork,
        {"code": row["code"]},
        {
            **fields,
            # Checked as an upload is (roads.geometry): every point inside the province.
            "geometry": [list(point) for point in checked([tuple(point) for point in row["geometry"]])],
            "commitment": commitment,
            "institution": institution,
            "financing": Financing.OWN_FUNDS,
            "geometry_source": GeometrySource.APPROXIMATE,
            "geometry_note_es": GEOMETRY_NOTE_ES,
            "geometry_note_qu": GEOMETRY_NOTE_QU,
            "is_published": True,
            "is_example": True,
        },
        tally=tally,
        kind="example road works",
    )
    if not created:
        return work  # its places, progress and dates are the staff's now
    work.cantons.set([canton])
    work.parishes.set([parish])
    RoadProgress.objects.bulk_create(
        [
            RoadProgress(
                work=work,
                observed_on=day,
                physical_pct=pct,
                paid_amount=Decimal(paid),
                note_es="Avance de ejemplo.",
                # review: example progress.
                note_qu="Rikuchinapak ñawpaman rina.",
            )
            for day, pct, paid in row["progress"]
        ]
    )
    tally.add("example road progress", created=True, count=len(row["progress"]))
    url, title_es, title_qu = row["source"]
    RoadDocument.objects.create(
        work=work,
        document_type=DocumentType.OTHER,
        title_es=title_es,
        title_qu=title_qu,
        url=url,
        published_on=row["planned_start"],
    )
    tally.add("example road documents", created=True)
    road_progress_refresh(works=RoadWork.objects.filter(pk=work.pk))
    # Recorded as of its planned start, as if the department had entered it then: the example report of 2025
    # lists works recorded by the end of its period (reports.snapshot.roads_of), and these illustrate 2025.
    RoadWork.objects.filter(pk=work.pk).update(created_at=_at(row["planned_start"]))
    return work


def _request_load(row: tuple, *, works: dict[str, RoadWork], tally: LoadTally) -> None:
    code, kind, parish_code, community, road, channel, received_on, answered_by, fixed_on, text, changes = row
    parish = Parish.objects.filter(code=parish_code).first()
    if parish is None:
        return
    last_day, last_status = changes[-1][0], changes[-1][1]
    request, created = create_missing(
        RoadRequest,
        {"tracking_code": code},
        {
            "kind": kind,
            "parish": parish,
            "community": community,
            "road_name": road,
            "answered_by_work": works.get(answered_by) if answered_by else None,
            "description": text,
            "channel": channel,
            "language": Language.SPANISH,
            "received_on": received_on,
            "status": last_status,
            "status_changed_at": _at(last_day),
            "fixed_on": fixed_on,
            "moderation": Moderation.APPROVED,
            "moderated_at": _at(received_on),
        },
        tally=tally,
        kind="example road requests",
    )
    if not created:
        return
    RoadRequestChange.objects.bulk_create(
        [
            RoadRequestChange(request=request, status=status, note_es=note_es, note_qu=note_qu, changed_at=_at(day))
            for day, status, note_es, note_qu in changes
        ]
    )
    tally.add("example road request changes", created=True, count=len(changes))


@transaction.atomic
def road_demo_load(*, plan: ActionPlan | None = None, tally: LoadTally | None = None) -> list[RoadWork]:
    """The example road works of commitment ECPTZ0003 and a few example road requests.

    1. Each work missing (keyed by its code) is created published, flagged as example data, executed by the
       Public Works department, with its approximate line, canton, parish and a few monthly progress reports of
       2025; one that exists is left as it is.
    2. Each request missing (keyed by its tracking code) is created approved, with its public notes; one of them
       is fixed and answered by the Chuwitayu – Chapintza – Kumay work.
    Nothing is loaded when the plan's Public Works department is missing (reference data not loaded)."""
    tally = tally if tally is not None else LoadTally()
    plan = plan or ActionPlan.objects.filter(slug=PLAN_SLUG).first()
    institution = Institution.objects.filter(slug=PUBLIC_WORKS).first()
    if institution is None:
        return []
    commitment = Commitment.objects.filter(code=COMMITMENT_CODE, plan=plan).first() if plan else None
    works = {}
    for row in WORKS:
        work = _work_load(row, commitment=commitment, institution=institution, tally=tally)
        if work is not None:
            works[work.code] = work
    for row in REQUESTS:
        _request_load(row, works=works, tally=tally)
    return list(works.values())
