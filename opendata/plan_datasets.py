"""The datasets of the action plan (opendata.datasets): the plan, its commitments, milestones and their dated
progress, progress updates, evidence, indicators and their values, and the institutions and territory they name.

What they hold is what the public pages show, read through the same querysets (`published()`, `with_progress()`,
`with_schedule()`), of real plans only: a synthetic plan (seed_scale's benchmarks) is never open data. Every row
names its neighbours by the keys of the other datasets (a milestone its commitment's code, a commitment its lead
institution's slug), so that the package's foreign keys hold; a reference to something not published (the
unpublished milestone of published evidence) is left empty rather than pointing at a row that is not there.

Values are codes rather than labels (a label changes with the language, a code does not), both languages' texts
where a text is translated (an empty text is None, as in the admin's exports it is an empty cell), and absolute
addresses in Spanish. Lists of codes in one cell are separated by LIST_SEPARATOR. Nothing about a person is read:
not who recorded a progress, wrote an update or checked a value.

Each dataset reads its rows in a fixed number of queries, whatever the size of the plan.

A dataset's `modified` is the latest change to any record its rows are read from, published or not (withdrawing
one changes the dataset too), so that it may be late but is never early; where a column counts days as of today
(dias_de_retraso), it is at least the start of today. It is None where the records keep no time of change
(observations and evidence are published and withdrawn without one; institutions and territory have none).
"""

from __future__ import annotations

from datetime import date, datetime, time
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Func, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    ActionPlan,
    Canton,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    IndicatorVerification,
    Institution,
    IrmLevel,
    Milestone,
    MilestoneProgress,
    OgpValue,
    Parish,
    ProgressUpdate,
)
from commitments.selectors import plan_current

from .datasets import Column, Dataset, ForeignKey, register

# Codes in one cell (a commitment's cantons, its OGP values) are separated by this; no code holds one.
LIST_SEPARATOR = ";"

THEME = "plan"


# What the public sees, of real plans only.


def plans_shown() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.real()


def commitments_shown() -> QuerySet[Commitment]:
    return Commitment.objects.published().filter(plan__is_synthetic=False)


def milestones_shown() -> QuerySet[Milestone]:
    return Milestone.objects.published().filter(commitment__plan__is_synthetic=False)


def updates_shown() -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.published().filter(commitment__plan__is_synthetic=False)


def indicators_shown() -> QuerySet[Indicator]:
    return Indicator.objects.published().filter(commitment__plan__is_synthetic=False)


def indicator_values_shown() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.published().filter(indicator__commitment__plan__is_synthetic=False)


def evidence_shown() -> QuerySet[Evidence]:
    """Published evidence of a milestone or update the datasets show, each annotated with whether its milestone
    (`milestone_shown`) and its update (`update_shown`) are shown: evidence may name both, and be public through
    one of them only."""
    return (
        Evidence.objects.published()
        .annotate(
            milestone_shown=Exists(milestones_shown().filter(pk=OuterRef("milestone_id"))),
            update_shown=Exists(updates_shown().filter(pk=OuterRef("update_id"))),
        )
        .filter(Q(milestone_shown=True) | Q(update_shown=True))
    )


# Small helpers for the rows.


def _text(value: str | None) -> str | None:
    """A text as a row holds it: None when empty (a translation not written yet, a field left blank)."""
    return value or None


def _codes(values) -> str | None:
    return LIST_SEPARATOR.join(sorted(values)) or None


def _in_key_order(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Rows sorted by a text key as Python compares it: the database's collation may sort a hyphen or a capital
    elsewhere, and a file's bytes must not depend on which database made it."""
    return sorted(rows, key=itemgetter(name))


def _absolute(path: str) -> str:
    """An address on the portal that names the site (SITE_URL): a downloaded file outlives the request."""
    return settings.SITE_URL.rstrip("/") + path


def _count(queryset: QuerySet) -> Coalesce:
    """How many rows `queryset` (filtered on an OuterRef) holds, as a correlated subquery of the outer query."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT", output_field=IntegerField())).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _latest_of(queryset: QuerySet, *fields: str) -> datetime | None:
    """The latest of `fields` over every row of `queryset`, in one query."""
    found = queryset.order_by().aggregate(**{f"latest_{i}": Max(name) for i, name in enumerate(fields)})
    return _latest(*found.values())


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Descriptions several columns share (one meaning, one sentence).

EXAMPLE_DATA = _("True when the row is illustrative example data, not yet the real record.")
IRM_LEVEL = _(
    "Completion level on the scale of OGP's Independent Reporting Mechanism: no_evidence, not_started, limited, "
    "substantial or complete."
)


def _example_column() -> Column:
    return Column("datos_de_ejemplo", "boolean", EXAMPLE_DATA, required=True)


# The plan.


def plan_rows() -> list[dict[str, Any]]:
    """One row per real plan, by slug (four queries): the plans with their counts and example-data flag, their
    commitments' progress grouped as the home page groups it (plan_overview), and the current plan."""
    milestones = milestones_shown().filter(commitment__plan=OuterRef("pk"))
    plans = plans_shown().annotate(
        commitments_count=_count(commitments_shown().filter(plan=OuterRef("pk"))),
        milestones_count=_count(milestones),
        has_example_data=Exists(milestones.filter(is_illustrative=True)),
    )
    # A plan's progress is the mean of its commitments' own (rounded) progress, leaving out those with nothing
    # measured yet, as selectors.plan_overview computes it for the home page.
    sums: dict[int, list[int]] = {}  # plan -> [progress points, commitments measured]
    groups = (
        commitments_shown()
        .with_progress()
        .exclude(progress_pct=None)
        .order_by()
        .values("plan_id", "progress_pct")
        .annotate(count=Count("pk"))
    )
    for group in groups:
        points = sums.setdefault(group["plan_id"], [0, 0])
        points[0] += group["progress_pct"] * group["count"]
        points[1] += group["count"]
    current = plan_current()
    with translation.override("es"):
        plan_page = _absolute(reverse("meetings:plan"))
    rows = []
    for plan in plans:
        points, measured = sums.get(plan.pk, (0, 0))
        is_current = current is not None and plan.pk == current.pk
        rows.append(
            {
                "slug": plan.slug,
                "titulo_es": _text(plan.title_es),
                "titulo_qu": _text(plan.title_qu),
                "inicio": plan.starts_on,
                "fin": plan.ends_on,
                "presentado_a_ogp_el": plan.submitted_on,
                "publicado_por_ogp_el": plan.published_by_ogp_on,
                "numero_de_compromisos": plan.commitments_count,
                "numero_de_hitos": plan.milestones_count,
                "avance": round(points / measured) if measured else None,
                "plan_vigente": is_current,
                "url": plan_page if is_current else None,
                "url_ogp": _text(plan.source_url),
                "datos_de_ejemplo": plan.has_example_data,
            }
        )
    return _in_key_order(rows, "slug")


PLAN = Dataset(
    key="plan",
    title=_("Action plan"),
    description=_(
        "The OGP Local action plan the portal follows, one row per plan: its dates, when it was submitted to and "
        "published by the Open Government Partnership, how many commitments and milestones it has published and "
        "its overall progress."
    ),
    theme=THEME,
    columns=(
        Column("slug", "string", _("The plan's identifier in the portal's addresses."), required=True),
        Column("titulo_es", "string", _("The plan's title in Spanish."), required=True),
        Column("titulo_qu", "string", _("The plan's title in Kichwa; empty until it is translated.")),
        Column("inicio", "date", _("The first day of the plan's implementation period."), required=True),
        Column("fin", "date", _("The last day of the plan's implementation period."), required=True),
        Column("presentado_a_ogp_el", "date", _("The day the plan was submitted to the Open Government Partnership.")),
        Column("publicado_por_ogp_el", "date", _("The day the Open Government Partnership published the plan.")),
        Column(
            "numero_de_compromisos", "integer", _("How many of the plan's commitments are published."), required=True
        ),
        Column(
            "numero_de_hitos",
            "integer",
            _("How many milestones of the plan's published commitments are published."),
            required=True,
        ),
        Column(
            "avance",
            "integer",
            _(
                "The plan's progress (0 to 100): the mean progress of its published commitments that have something "
                "measured; empty when none has."
            ),
        ),
        Column("plan_vigente", "boolean", _("True for the plan the portal follows now."), required=True),
        Column(
            "url",
            "string",
            _("The plan's page on the portal, in Spanish; empty for any other plan than the current one."),
        ),
        Column("url_ogp", "string", _("The plan's page on the Open Government Partnership's website.")),
        Column(
            "datos_de_ejemplo",
            "boolean",
            _(
                "True when some of the plan's published milestones are illustrative example data, so that its "
                "progress is not yet the real one."
            ),
            required=True,
        ),
    ),
    rows=plan_rows,
    primary_key=("slug",),
    keywords=("plan de acción", "gobierno abierto", "OGP Local", "Pastaza"),
)


# Commitments.


def commitment_rows() -> list[dict[str, Any]]:
    """Published commitments of real plans, by code (five queries: the commitments with their progress, how late
    they run and their example-data flag, then their OGP values, supporters, cantons and parishes)."""
    today = timezone.localdate()
    illustrative = Milestone.objects.filter(commitment=OuterRef("pk"), is_published=True, is_illustrative=True)
    commitments = (
        commitments_shown()
        .with_progress()
        .annotate(has_example_data=Exists(illustrative))
        .select_related("plan", "lead_institution", "lead_department")
        .prefetch_related(
            Prefetch("ogp_values", queryset=OgpValue.objects.only("code")),
            Prefetch("supporting_institutions", queryset=Institution.objects.only("slug")),
            Prefetch("cantons", queryset=Canton.objects.only("code")),
            Prefetch("parishes", queryset=Parish.objects.only("code")),
        )
    )
    rows = []
    with translation.override("es"):
        for commitment in commitments:
            progress = commitment.progress_pct
            overdue = bool(commitment.overdue)
            rows.append(
                {
                    "codigo": commitment.code,
                    "plan": commitment.plan.slug,
                    "orden": commitment.order,
                    "titulo_es": _text(commitment.title_es),
                    "titulo_qu": _text(commitment.title_qu),
                    "problema_es": _text(commitment.problem_es),
                    "problema_qu": _text(commitment.problem_qu),
                    "situacion_actual_es": _text(commitment.status_quo_es),
                    "situacion_actual_qu": _text(commitment.status_quo_qu),
                    "accion_es": _text(commitment.action_es),
                    "accion_qu": _text(commitment.action_qu),
                    "contribucion_es": _text(commitment.contribution_es),
                    "contribucion_qu": _text(commitment.contribution_qu),
                    "eje": commitment.axis,
                    "institucion_lider": commitment.lead_institution.slug,
                    "departamento_lider": commitment.lead_department.slug if commitment.lead_department else None,
                    "instituciones_de_apoyo": _codes(i.slug for i in commitment.supporting_institutions.all()),
                    "inicio": commitment.starts_on,
                    "fin": commitment.ends_on,
                    "avance": progress,
                    "nivel_irm": IrmLevel.for_progress(progress).value,
                    "vencido": overdue,
                    "dias_de_retraso": (today - commitment.ends_on).days if overdue else 0,
                    "presupuesto_planificado_usd": commitment.budget_planned,
                    "presupuesto_ejecutado_usd": commitment.budget_executed,
                    "fuente_presupuesto_es": _text(commitment.budget_source_es),
                    "fuente_presupuesto_qu": _text(commitment.budget_source_qu),
                    "valores_ogp": _codes(value.code for value in commitment.ogp_values.all()),
                    "cantones": _codes(canton.code for canton in commitment.cantons.all()),
                    "parroquias": _codes(parish.code for parish in commitment.parishes.all()),
                    "url": _absolute(commitment.get_absolute_url()),
                    "url_ogp": _text(commitment.source_url),
                    "datos_de_ejemplo": commitment.has_example_data,
                }
            )
    return _in_key_order(rows, "codigo")


def commitments_modified() -> datetime:
    """The latest change to a commitment or milestone of a real plan, published or not (withdrawing one changes
    the dataset too), and at least the start of today: how late a commitment runs is counted as of today."""
    return _latest(
        _latest_of(Commitment.objects.filter(plan__is_synthetic=False), "updated_at"),
        _latest_of(Milestone.objects.filter(commitment__plan__is_synthetic=False), "updated_at"),
        _start_of(timezone.localdate()),
    )


COMMITMENTS = Dataset(
    key="compromisos",
    title=_("Commitments"),
    description=_(
        "The published commitments of the action plan, with the institutions that lead and support them, their "
        "dates, progress, IRM completion level, budget, OGP values and territory."
    ),
    theme=THEME,
    columns=(
        Column(
            "codigo",
            "string",
            _("The commitment's code as the Open Government Partnership publishes it (e.g. ECPTZ0001)."),
            required=True,
        ),
        Column("plan", "string", _("The action plan it belongs to (its slug in the dataset plan)."), required=True),
        Column("orden", "integer", _("The commitment's place in its plan."), required=True),
        Column("titulo_es", "string", _("The commitment's title in Spanish."), required=True),
        Column("titulo_qu", "string", _("The commitment's title in Kichwa; empty until it is translated.")),
        Column("problema_es", "string", _("The public problem the commitment addresses, in Spanish.")),
        Column(
            "problema_qu",
            "string",
            _("The public problem the commitment addresses, in Kichwa; empty until it is translated."),
        ),
        Column("situacion_actual_es", "string", _("The situation before the commitment (status quo), in Spanish.")),
        Column(
            "situacion_actual_qu",
            "string",
            _("The situation before the commitment (status quo), in Kichwa; empty until it is translated."),
        ),
        Column("accion_es", "string", _("What the commitment does, in Spanish.")),
        Column("accion_qu", "string", _("What the commitment does, in Kichwa; empty until it is translated.")),
        Column("contribucion_es", "string", _("How the commitment contributes to solving the problem, in Spanish.")),
        Column(
            "contribucion_qu",
            "string",
            _("How the commitment contributes to solving the problem, in Kichwa; empty until it is translated."),
        ),
        Column(
            "eje",
            "string",
            _("The plan's thematic axis it belongs to: biophysical, economic_productive or human_settlements."),
            required=True,
        ),
        Column(
            "institucion_lider",
            "string",
            _("The institution that leads the commitment (its slug in the dataset instituciones)."),
            required=True,
        ),
        Column(
            "departamento_lider",
            "string",
            _("The provincial government department that implements it (its slug in the dataset instituciones)."),
        ),
        Column(
            "instituciones_de_apoyo",
            "string",
            _("The slugs of the institutions that support it (in the dataset instituciones), separated by semicolons."),
        ),
        Column("inicio", "date", _("The commitment's start date."), required=True),
        Column("fin", "date", _("The commitment's end date."), required=True),
        Column(
            "avance",
            "integer",
            _(
                "The commitment's progress (0 to 100): the mean progress of its published milestones, weighted by "
                "their weights; empty when it has none."
            ),
        ),
        Column("nivel_irm", "string", IRM_LEVEL, required=True),
        Column(
            "vencido",
            "boolean",
            _("True when its end date has passed and its progress is under 100, on the day the data was read."),
            required=True,
        ),
        Column(
            "dias_de_retraso",
            "integer",
            _("Days since its end date while it is overdue, on the day the data was read; 0 otherwise."),
            required=True,
        ),
        Column("presupuesto_planificado_usd", "number", _("The planned budget, in US dollars.")),
        Column(
            "presupuesto_ejecutado_usd", "number", _("The budget executed so far, in US dollars, as last recorded.")
        ),
        Column("fuente_presupuesto_es", "string", _("Where the budget comes from, in Spanish.")),
        Column(
            "fuente_presupuesto_qu",
            "string",
            _("Where the budget comes from, in Kichwa; empty until it is translated."),
        ),
        Column("valores_ogp", "string", _("The codes of the OGP values it advances, separated by semicolons.")),
        Column("cantones", "string", _("The INEC codes of the cantons it covers, separated by semicolons.")),
        Column("parroquias", "string", _("The INEC codes of the parishes it covers, separated by semicolons.")),
        Column("url", "string", _("The commitment's page on the portal, in Spanish."), required=True),
        Column("url_ogp", "string", _("The commitment's page on the Open Government Partnership's website.")),
        Column(
            "datos_de_ejemplo",
            "boolean",
            _(
                "True when some of its published milestones are illustrative example data, so that its progress is "
                "not yet the real one."
            ),
            required=True,
        ),
    ),
    rows=commitment_rows,
    primary_key=("codigo",),
    foreign_keys=(
        ForeignKey(("plan",), "plan", ("slug",)),
        ForeignKey(("institucion_lider",), "instituciones", ("slug",)),
        ForeignKey(("departamento_lider",), "instituciones", ("slug",)),
    ),
    keywords=("compromisos", "plan de acción", "avance", "presupuesto", "gobierno abierto", "Pastaza"),
    modified=commitments_modified,
)


# Milestones and their dated progress.


def milestone_rows() -> list[dict[str, Any]]:
    """Published milestones of published commitments, by id, with how late they run today (one query)."""
    today = timezone.localdate()
    milestones = (
        milestones_shown().with_schedule(today).select_related("commitment", "responsible_institution").order_by("pk")
    )
    rows = []
    for milestone in milestones:
        overdue = bool(milestone.overdue)
        responsible = milestone.responsible_institution
        rows.append(
            {
                "id": milestone.pk,
                "compromiso": milestone.commitment.code,
                "orden": milestone.order,
                "peso": milestone.weight,
                "titulo_es": _text(milestone.title_es),
                "titulo_qu": _text(milestone.title_qu),
                "descripcion_es": _text(milestone.description_es),
                "descripcion_qu": _text(milestone.description_qu),
                "producto_esperado_es": _text(milestone.expected_output_es),
                "producto_esperado_qu": _text(milestone.expected_output_qu),
                "inicio": milestone.starts_on,
                "vencimiento": milestone.due_on,
                "completado_el": milestone.completed_on,
                "avance": milestone.progress,
                "nivel_irm": milestone.level,
                "institucion_responsable": responsible.slug if responsible else None,
                "vencido": overdue,
                "dias_de_retraso": (today - milestone.due_on).days if overdue else 0,
                "completado_con_retraso": bool(milestone.completed_late),
                "datos_de_ejemplo": milestone.is_illustrative,
            }
        )
    return rows


def milestones_modified() -> datetime:
    """The latest change to a milestone or commitment of a real plan, and at least the start of today (how late a
    milestone runs is counted as of today)."""
    return _latest(
        _latest_of(
            Milestone.objects.filter(commitment__plan__is_synthetic=False), "updated_at", "commitment__updated_at"
        ),
        _start_of(timezone.localdate()),
    )


MILESTONES = Dataset(
    key="hitos",
    title=_("Milestones"),
    description=_(
        "The published milestones of the commitments: their dates, weight, progress, IRM completion level and "
        "whether they run late."
    ),
    theme=THEME,
    columns=(
        Column("id", "integer", _("The milestone's number in the portal."), required=True),
        Column(
            "compromiso",
            "string",
            _("The commitment it belongs to (its code in the dataset compromisos)."),
            required=True,
        ),
        Column("orden", "integer", _("The milestone's place among its commitment's milestones."), required=True),
        Column(
            "peso",
            "integer",
            _("How much the milestone counts towards its commitment's progress, relative to the others."),
            required=True,
        ),
        Column("titulo_es", "string", _("The milestone's title in Spanish."), required=True),
        Column("titulo_qu", "string", _("The milestone's title in Kichwa; empty until it is translated.")),
        Column("descripcion_es", "string", _("What the milestone is, in Spanish.")),
        Column("descripcion_qu", "string", _("What the milestone is, in Kichwa; empty until it is translated.")),
        Column("producto_esperado_es", "string", _("What the milestone is expected to deliver, in Spanish.")),
        Column(
            "producto_esperado_qu",
            "string",
            _("What the milestone is expected to deliver, in Kichwa; empty until it is translated."),
        ),
        Column("inicio", "date", _("The milestone's start date."), required=True),
        Column("vencimiento", "date", _("The date the milestone is due."), required=True),
        Column("completado_el", "date", _("The day the milestone was completed; empty while it is not complete.")),
        Column("avance", "integer", _("The milestone's progress (0 to 100), as last recorded."), required=True),
        Column("nivel_irm", "string", IRM_LEVEL, required=True),
        Column(
            "institucion_responsable",
            "string",
            _("The institution responsible for the milestone (its slug in the dataset instituciones)."),
        ),
        Column(
            "vencido",
            "boolean",
            _("True when its due date has passed and it is not complete, on the day the data was read."),
            required=True,
        ),
        Column(
            "dias_de_retraso",
            "integer",
            _("Days since its due date while it is overdue, on the day the data was read; 0 otherwise."),
            required=True,
        ),
        Column(
            "completado_con_retraso",
            "boolean",
            _("True when the milestone was completed after its due date."),
            required=True,
        ),
        _example_column(),
    ),
    rows=milestone_rows,
    primary_key=("id",),
    foreign_keys=(
        ForeignKey(("compromiso",), "compromisos", ("codigo",)),
        ForeignKey(("institucion_responsable",), "instituciones", ("slug",)),
    ),
    keywords=("hitos", "compromisos", "avance", "retrasos", "Pastaza"),
    modified=milestones_modified,
)


def milestone_progress_rows() -> list[dict[str, Any]]:
    """Published observations of the published milestones, by id (one query)."""
    observations = (
        MilestoneProgress.objects.published()
        .filter(milestone__in=milestones_shown())
        .order_by("pk")
        .values(
            "pk",
            "milestone_id",
            "observed_on",
            "progress",
            "level",
            "source",
            "is_illustrative",
            milestone_illustrative=F("milestone__is_illustrative"),
        )
    )
    return [
        {
            "id": observation["pk"],
            "hito": observation["milestone_id"],
            "fecha": observation["observed_on"],
            "avance": observation["progress"],
            "nivel_irm": observation["level"],
            "origen": observation["source"],
            "datos_de_ejemplo": observation["is_illustrative"] or observation["milestone_illustrative"],
        }
        for observation in observations
    ]


MILESTONE_PROGRESS = Dataset(
    key="avance-de-hitos",
    title=_("Milestone progress history"),
    description=_(
        "The dated history of each published milestone's progress: every published observation, the day it was "
        "reached or reported and how it was entered."
    ),
    theme=THEME,
    columns=(
        Column("id", "integer", _("The observation's number in the portal."), required=True),
        Column("hito", "integer", _("The milestone observed (its id in the dataset hitos)."), required=True),
        Column("fecha", "date", _("The day this progress was reached or reported."), required=True),
        Column("avance", "integer", _("The milestone's progress (0 to 100) on that day."), required=True),
        Column("nivel_irm", "string", IRM_LEVEL, required=True),
        Column(
            "origen",
            "string",
            _(
                "How it was entered: admin (a staff form), import (a spreadsheet), update (a progress update), "
                "loaded (a data load) or history (recorded before the history existed)."
            ),
            required=True,
        ),
        _example_column(),
    ),
    rows=milestone_progress_rows,
    primary_key=("id",),
    foreign_keys=(ForeignKey(("hito",), "hitos", ("id",)),),
    keywords=("hitos", "avance", "historial", "series de tiempo", "Pastaza"),
)


# Progress updates and evidence.


def update_rows() -> list[dict[str, Any]]:
    """Published progress updates, by id (one query)."""
    updates = updates_shown().select_related("commitment").order_by("pk")
    return [
        {
            "id": update.pk,
            "compromiso": update.commitment.code,
            "hito": update.milestone_id,
            "fecha": update.occurred_on,
            "titulo_es": _text(update.title_es),
            "titulo_qu": _text(update.title_qu),
            "texto_es": _text(update.text_es),
            "texto_qu": _text(update.text_qu),
            "avance": update.progress,
            "datos_de_ejemplo": update.is_illustrative,
        }
        for update in updates
    ]


def updates_modified() -> datetime | None:
    return _latest_of(
        ProgressUpdate.objects.filter(commitment__plan__is_synthetic=False),
        "updated_at",
        "commitment__updated_at",
        "milestone__updated_at",
    )


UPDATES = Dataset(
    key="actualizaciones",
    title=_("Progress updates"),
    description=_(
        "The published progress updates: the dated entries of each commitment's public timeline, in Spanish and Kichwa."
    ),
    theme=THEME,
    columns=(
        Column("id", "integer", _("The update's number in the portal."), required=True),
        Column(
            "compromiso",
            "string",
            _("The commitment it reports on (its code in the dataset compromisos)."),
            required=True,
        ),
        Column("hito", "integer", _("The milestone it reports on, if any (its id in the dataset hitos).")),
        Column("fecha", "date", _("The day it happened."), required=True),
        Column("titulo_es", "string", _("The update's title in Spanish."), required=True),
        Column("titulo_qu", "string", _("The update's title in Kichwa; empty until it is translated.")),
        Column("texto_es", "string", _("The update's text in Spanish.")),
        Column("texto_qu", "string", _("The update's text in Kichwa; empty until it is translated.")),
        Column("avance", "integer", _("The progress (0 to 100) it reports for its milestone, if any.")),
        _example_column(),
    ),
    rows=update_rows,
    primary_key=("id",),
    foreign_keys=(
        ForeignKey(("compromiso",), "compromisos", ("codigo",)),
        ForeignKey(("hito",), "hitos", ("id",)),
    ),
    keywords=("actualizaciones", "avances", "compromisos", "rendición de cuentas", "Pastaza"),
    modified=updates_modified,
)


def evidence_rows() -> list[dict[str, Any]]:
    """Published evidence, by id (one query): what it backs, where to read it, and for a file its type, size and
    SHA-256; never where the file is stored."""
    evidence = evidence_shown().select_related("milestone", "update").order_by("pk")
    rows = []
    with translation.override("es"):
        for item in evidence:
            milestone = item.milestone if item.milestone_shown else None
            update = item.update if item.update_shown else None
            file_url = item.get_file_url()
            rows.append(
                {
                    "id": item.pk,
                    "hito": milestone.pk if milestone else None,
                    "actualizacion": update.pk if update else None,
                    "titulo_es": _text(item.title_es),
                    "titulo_qu": _text(item.title_qu),
                    "url": _absolute(file_url) if file_url else _text(item.url),
                    "tipo_de_contenido": item.content_type if file_url else None,
                    "tamano_bytes": item.size if file_url else None,
                    "sha256": item.sha256 if file_url else None,
                    "datos_de_ejemplo": any(subject.is_illustrative for subject in (milestone, update) if subject),
                }
            )
    return rows


EVIDENCE = Dataset(
    key="evidencias",
    title=_("Evidence"),
    description=_(
        "The published evidence that backs milestones and progress updates: titles, public addresses and, for "
        "files, their type, size and SHA-256 digest."
    ),
    theme=THEME,
    columns=(
        Column("id", "integer", _("The evidence's number in the portal."), required=True),
        Column("hito", "integer", _("The milestone it backs, if any (its id in the dataset hitos).")),
        Column(
            "actualizacion",
            "integer",
            _("The progress update it backs, if any (its id in the dataset actualizaciones)."),
        ),
        Column("titulo_es", "string", _("The evidence's title in Spanish."), required=True),
        Column("titulo_qu", "string", _("The evidence's title in Kichwa; empty until it is translated.")),
        Column("url", "string", _("Where to read it: the portal's address of its file, or the link it gives.")),
        Column("tipo_de_contenido", "string", _("The file's media type (e.g. application/pdf); empty for a link.")),
        Column("tamano_bytes", "integer", _("The file's size in bytes; empty for a link.")),
        Column("sha256", "string", _("The file's SHA-256 digest, to check a copy of it; empty for a link.")),
        _example_column(),
    ),
    rows=evidence_rows,
    primary_key=("id",),
    foreign_keys=(
        ForeignKey(("hito",), "hitos", ("id",)),
        ForeignKey(("actualizacion",), "actualizaciones", ("id",)),
    ),
    keywords=("evidencias", "verificación", "documentos", "hitos", "Pastaza"),
)


# Indicators and their values.


def indicator_rows() -> list[dict[str, Any]]:
    """Published indicators of published commitments, by id (one query)."""
    indicators = indicators_shown().select_related("commitment").order_by("pk")
    return [
        {
            "id": indicator.pk,
            "compromiso": indicator.commitment.code,
            "orden": indicator.order,
            "nombre_es": _text(indicator.name_es),
            "nombre_qu": _text(indicator.name_qu),
            "unidad_es": _text(indicator.unit_es),
            "unidad_qu": _text(indicator.unit_qu),
            "sentido": indicator.direction,
            "linea_base": indicator.baseline_value,
            "fecha_linea_base": indicator.baseline_on,
            "meta": indicator.target_value,
            "fecha_meta": indicator.target_on,
            "metodo_es": _text(indicator.method_es),
            "metodo_qu": _text(indicator.method_qu),
            "fuente_es": _text(indicator.source_es),
            "fuente_qu": _text(indicator.source_qu),
            "desagregacion": indicator.disaggregation,
            "datos_de_ejemplo": indicator.is_illustrative,
        }
        for indicator in indicators
    ]


def indicators_modified() -> datetime | None:
    return _latest_of(
        Indicator.objects.filter(commitment__plan__is_synthetic=False), "updated_at", "commitment__updated_at"
    )


INDICATORS = Dataset(
    key="indicadores",
    title=_("Indicators"),
    description=_(
        "The published indicators of the commitments' results: what each measures, in what unit, its baseline "
        "and target, how it is measured, its source and how its values are broken down."
    ),
    theme=THEME,
    columns=(
        Column("id", "integer", _("The indicator's number in the portal."), required=True),
        Column(
            "compromiso",
            "string",
            _("The commitment whose results it measures (its code in the dataset compromisos)."),
            required=True,
        ),
        Column("orden", "integer", _("The indicator's place among its commitment's indicators."), required=True),
        Column("nombre_es", "string", _("What the indicator measures, in Spanish."), required=True),
        Column("nombre_qu", "string", _("What the indicator measures, in Kichwa; empty until it is translated.")),
        Column("unidad_es", "string", _("What is counted (the indicator's unit), in Spanish."), required=True),
        Column(
            "unidad_qu",
            "string",
            _("What is counted (the indicator's unit), in Kichwa; empty until it is translated."),
        ),
        Column("sentido", "string", _("Which way is better: increase or decrease."), required=True),
        Column("linea_base", "number", _("The indicator's value at its baseline."), required=True),
        Column("fecha_linea_base", "date", _("The date of the baseline value."), required=True),
        Column("meta", "number", _("The indicator's target value."), required=True),
        Column("fecha_meta", "date", _("The date by which the target should be reached."), required=True),
        Column("metodo_es", "string", _("How the indicator is measured, in Spanish.")),
        Column("metodo_qu", "string", _("How the indicator is measured, in Kichwa; empty until it is translated.")),
        Column("fuente_es", "string", _("Where the indicator's data comes from, in Spanish.")),
        Column(
            "fuente_qu",
            "string",
            _("Where the indicator's data comes from, in Kichwa; empty until it is translated."),
        ),
        Column(
            "desagregacion",
            "string",
            _("How its values are broken down: none, sex, canton or community."),
            required=True,
        ),
        _example_column(),
    ),
    rows=indicator_rows,
    primary_key=("id",),
    foreign_keys=(ForeignKey(("compromiso",), "compromisos", ("codigo",)),),
    keywords=("indicadores", "metas", "línea base", "resultados", "Pastaza"),
    modified=indicators_modified,
)


def indicator_value_rows() -> list[dict[str, Any]]:
    """Published values of published indicators, by id, with the independent monitor's verdict (one query)."""
    values = indicator_values_shown().select_related("indicator__commitment", "verification").order_by("pk")
    rows = []
    for value in values:
        verification: IndicatorVerification | None = getattr(value, "verification", None)
        rows.append(
            {
                "id": value.pk,
                "indicador": value.indicator_id,
                "compromiso": value.indicator.commitment.code,
                "fecha": value.observed_on,
                "grupo": _text(value.group),
                "valor": value.value,
                "fuente_es": _text(value.source_es),
                "fuente_qu": _text(value.source_qu),
                "evidencia_url": _text(value.evidence_url),
                "nota_es": _text(value.note_es),
                "nota_qu": _text(value.note_qu),
                "verificacion_fcd": verification.status if verification else None,
                "nota_fcd": _text(verification.note) if verification else None,
                "datos_de_ejemplo": value.is_illustrative or value.indicator.is_illustrative,
            }
        )
    return rows


def indicator_values_modified() -> datetime | None:
    return _latest_of(
        IndicatorValue.objects.filter(indicator__commitment__plan__is_synthetic=False),
        "updated_at",
        "indicator__updated_at",
        "indicator__commitment__updated_at",
        "verification__checked_at",
    )


INDICATOR_VALUES = Dataset(
    key="valores-de-indicadores",
    title=_("Indicator values"),
    description=_(
        "The published values measured for the indicators, each with its source and the independent monitor's "
        "verdict: verified, disputed or not checked yet."
    ),
    theme=THEME,
    columns=(
        Column("id", "integer", _("The value's number in the portal."), required=True),
        Column("indicador", "integer", _("The indicator measured (its id in the dataset indicadores)."), required=True),
        Column(
            "compromiso",
            "string",
            _("The commitment of the indicator (its code in the dataset compromisos)."),
            required=True,
        ),
        Column("fecha", "date", _("The date the value was measured."), required=True),
        Column(
            "grupo",
            "string",
            _("For a broken-down value, the sex, canton or community it counts; empty for the total."),
        ),
        Column("valor", "number", _("The measured value, in the indicator's unit."), required=True),
        Column("fuente_es", "string", _("The source of this value, in Spanish.")),
        Column("fuente_qu", "string", _("The source of this value, in Kichwa; empty until it is translated.")),
        Column("evidencia_url", "string", _("A link to the evidence for this value.")),
        Column("nota_es", "string", _("A note on this value, in Spanish.")),
        Column("nota_qu", "string", _("A note on this value, in Kichwa; empty until it is translated.")),
        Column(
            "verificacion_fcd",
            "string",
            _("The independent monitor's (FCD's) verdict: verified or disputed; empty while it has not checked it."),
        ),
        Column("nota_fcd", "string", _("The independent monitor's note on its verdict.")),
        _example_column(),
    ),
    rows=indicator_value_rows,
    primary_key=("id",),
    foreign_keys=(
        ForeignKey(("indicador",), "indicadores", ("id",)),
        ForeignKey(("compromiso",), "compromisos", ("codigo",)),
    ),
    keywords=("indicadores", "valores", "monitoreo independiente", "verificación", "Pastaza"),
    modified=indicator_values_modified,
)


# The institutions and the territory the plan names.


def institution_rows() -> list[dict[str, Any]]:
    """Every institution, by slug (one query): public bodies and organisations, never their staff. All of them,
    like their pages: a department that leads nothing yet is still the government's."""
    institutions = Institution.objects.select_related("parent")
    with translation.override("es"):
        rows = [
            {
                "slug": institution.slug,
                "nombre_es": _text(institution.name_es),
                "nombre_qu": _text(institution.name_qu),
                "siglas": _text(institution.acronym),
                "tipo": institution.kind,
                "forma_parte_de": institution.parent.slug if institution.parent else None,
                "sitio_web": _text(institution.website),
                "url": _absolute(reverse("commitments:institution", kwargs={"slug": institution.slug})),
            }
            for institution in institutions
        ]
    return _in_key_order(rows, "slug")


INSTITUTIONS = Dataset(
    key="instituciones",
    title=_("Institutions"),
    description=_(
        "The institutions that lead, implement or support the plan's commitments, with the departments of the "
        "provincial government."
    ),
    theme=THEME,
    columns=(
        Column("slug", "string", _("The institution's identifier in the portal's addresses."), required=True),
        Column("nombre_es", "string", _("The institution's name in Spanish."), required=True),
        Column("nombre_qu", "string", _("The institution's name in Kichwa; empty until it is translated.")),
        Column("siglas", "string", _("The institution's acronym.")),
        Column(
            "tipo",
            "string",
            _(
                "The kind of institution: provincial_government, provincial_department, national_government, "
                "civil_society, academia, international or private."
            ),
            required=True,
        ),
        Column(
            "forma_parte_de",
            "string",
            _("For a department, the institution it belongs to (its slug in this dataset)."),
        ),
        Column("sitio_web", "string", _("The institution's website.")),
        Column("url", "string", _("The institution's page on the portal, in Spanish."), required=True),
    ),
    rows=institution_rows,
    primary_key=("slug",),
    foreign_keys=(ForeignKey(("forma_parte_de",), "instituciones", ("slug",)),),
    keywords=("instituciones", "gobierno provincial", "sociedad civil", "Pastaza"),
)


def canton_rows() -> list[dict[str, Any]]:
    """Pastaza's cantons, by INEC code (one query)."""
    with translation.override("es"):
        return [
            {
                "codigo": canton.code,
                "slug": canton.slug,
                "nombre_es": _text(canton.name_es),
                "nombre_qu": _text(canton.name_qu),
                "cabecera": _text(canton.seat),
                "poblacion_2022": canton.population_2022,
                "fuente_poblacion": _text(canton.population_note),
                "url": _absolute(reverse("commitments:canton", kwargs={"slug": canton.slug})),
            }
            for canton in Canton.objects.order_by("code")
        ]


CANTONS = Dataset(
    key="cantones",
    title=_("Cantons"),
    description=_("The cantons of Pastaza, with their INEC codes and population in the 2022 census."),
    theme=THEME,
    columns=(
        Column(
            "codigo",
            "string",
            _("The canton's code in INEC's political-administrative division (DPA)."),
            required=True,
        ),
        Column("slug", "string", _("The canton's identifier in the portal's addresses."), required=True),
        Column("nombre_es", "string", _("The canton's name in Spanish."), required=True),
        Column("nombre_qu", "string", _("The canton's name in Kichwa; empty until it is translated.")),
        Column("cabecera", "string", _("The canton's seat (cabecera cantonal).")),
        Column("poblacion_2022", "integer", _("The canton's population in the 2022 census.")),
        Column("fuente_poblacion", "string", _("Where the population figure comes from.")),
        Column("url", "string", _("The canton's page on the portal, in Spanish."), required=True),
    ),
    rows=canton_rows,
    primary_key=("codigo",),
    frequency="irregular",
    keywords=("cantones", "territorio", "INEC", "población", "Pastaza"),
)


def parish_rows() -> list[dict[str, Any]]:
    """Pastaza's parishes, by INEC code (one query)."""
    return [
        {
            "codigo": parish.code,
            "canton": parish.canton.code,
            "nombre_es": _text(parish.name_es),
            "nombre_qu": _text(parish.name_qu),
            "tipo": parish.kind,
        }
        for parish in Parish.objects.select_related("canton").order_by("code")
    ]


PARISHES = Dataset(
    key="parroquias",
    title=_("Parishes"),
    description=_("The parishes of Pastaza, with their INEC codes and cantons."),
    theme=THEME,
    columns=(
        Column(
            "codigo",
            "string",
            _("The parish's code in INEC's political-administrative division (DPA)."),
            required=True,
        ),
        Column("canton", "string", _("The parish's canton (its code in the dataset cantones)."), required=True),
        Column("nombre_es", "string", _("The parish's name in Spanish."), required=True),
        Column("nombre_qu", "string", _("The parish's name in Kichwa; empty until it is translated.")),
        Column("tipo", "string", _("Whether the parish is urban or rural."), required=True),
    ),
    rows=parish_rows,
    primary_key=("codigo",),
    foreign_keys=(ForeignKey(("canton",), "cantones", ("codigo",)),),
    frequency="irregular",
    keywords=("parroquias", "territorio", "INEC", "Pastaza"),
)


register(
    PLAN,
    COMMITMENTS,
    MILESTONES,
    MILESTONE_PROGRESS,
    UPDATES,
    EVIDENCE,
    INDICATORS,
    INDICATOR_VALUES,
    INSTITUTIONS,
    CANTONS,
    PARISHES,
)
