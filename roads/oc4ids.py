"""The published road works as OC4IDS projects (Open Contracting for Infrastructure Data Standard, schema 0.9.5), in
project packages: one per work, and one with all of them.

The data are in Spanish (each project's `language` is "es"), so the few fixed texts written here are Spanish data,
as the works' own texts are. How our fields become OC4IDS fields, where a choice had to be made:

1. `id`: ROADS_OC4IDS_PREFIX and the work's code ("oc4ids-gadppz-VIA-2025-001"): stable while the code is.
2. `status`: our WorkStatus values are projectStatus codes.
3. `type` (projectType, a closed codelist): a new road or a bridge is "construction"; paving, gravelling, a
   rehabilitation and routine maintenance work on an existing road, so they are "rehabilitation". A study builds
   nothing yet and the codelist has no code for it: it has no `type`.
4. `period` and `implementationPeriod`: the planned start and end (the works' own dates); the actual ones are the
   `dateMet` of the "commencement" and "completion" milestones, and `completion.endDate` once completed.
5. Progress: each published observation is an observation of the metrics "physicalProgress" (a percentage, unit
   UN/CEFACT P1) and "financialProgress" (the amount paid to date, USD).
6. Parties: the provincial government (publicAuthority; also funder when it pays from its own funds), the
   contractor (supplier, identified by its RUC under the scheme EC-RUC, as Ecuador's OCDS publication does), the
   partner government of a work done by agreement (funder: these agreements share the cost) and the lender or
   fund named as financing source (funder).
7. Only published works, their published progress and documents and a published consultation meeting; nothing
   about who entered them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from commitments.models import Canton, Parish
from conecta.fallbacks import text_in

from .models import Financing, RoadDocument, RoadProgress, RoadWork, WorkKind, WorkStatus

VERSION = "0.9"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PUBLIC_AUTHORITY_ID = "gadppz"
PUBLIC_AUTHORITY_NAME = "Gobierno Autónomo Descentralizado Provincial de Pastaza"
SECTORS = ["transport", "transport.road"]
PROJECT_TYPES = {
    WorkKind.NEW_ROAD: "construction",
    WorkKind.BRIDGE: "construction",
    WorkKind.PAVING: "rehabilitation",
    WorkKind.GRAVEL: "rehabilitation",
    WorkKind.REHABILITATION: "rehabilitation",
    WorkKind.MAINTENANCE: "rehabilitation",
}
# The financing sources that are another organisation (own funds are the province's; "other" names nobody).
FUNDERS = {
    Financing.BDE: "Banco de Desarrollo del Ecuador",
    Financing.PLUSPETROL: "PLUSPETROL",
    Financing.STCTEA: "Secretaría Técnica de la Circunscripción Territorial Especial Amazónica",
    Financing.CENTRAL: "Gobierno central del Ecuador",
}
# The `scheme` of a contractor's identifier (org-id.guide; the one Ecuador's OCDS publication uses).
RUC_SCHEME = "EC-RUC"
PERCENT_UNIT = {"name": "percent", "scheme": "UNCEFACT", "id": "P1"}
FINISHED = (WorkStatus.COMPLETION, WorkStatus.MAINTENANCE)


def site_url(path: str) -> str:
    """An absolute address on the portal: a package outlives the request, so it names the site (SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def project_id(work: RoadWork) -> str:
    return f"{settings.ROADS_OC4IDS_PREFIX}-{work.code}"


def _moment(value: date | datetime | None) -> str | None:
    """A date as the start of that day in Pastaza, or a datetime in Pastaza's time, ISO 8601 (date-time)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time.min))
    return timezone.localtime(value).isoformat(timespec="seconds")


def _money(amount) -> dict | None:
    return {"amount": float(amount), "currency": "USD"} if amount is not None else None


def _pruned(value):
    """The value without empty members (None, "", [], {}), as OC4IDS asks: a field without a value is left out.
    False and 0 are values."""
    if isinstance(value, dict):
        kept = {key: _pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        kept = [_pruned(item) for item in value]
        return [item for item in kept if item not in (None, "", [], {})]
    return value


def works_for_oc4ids() -> QuerySet[RoadWork]:
    """The published works with everything a project shows (`progress_list`, `document_list` published, oldest
    first): five queries, whatever the number of works."""
    return (
        RoadWork.objects.published()
        .select_related("consultation_meeting__canton")
        .prefetch_related(
            Prefetch("cantons", queryset=Canton.objects.order_by("code")),
            Prefetch("parishes", queryset=Parish.objects.order_by("code")),
            Prefetch(
                "progress",
                queryset=RoadProgress.objects.filter(is_published=True).order_by("observed_on", "pk"),
                to_attr="progress_list",
            ),
            Prefetch(
                "documents",
                queryset=RoadDocument.objects.filter(is_published=True).order_by("published_on", "pk"),
                to_attr="document_list",
            ),
        )
        .order_by("code")
    )


def last_change(work: RoadWork) -> datetime:
    """When the work, its published progress or its published documents last changed."""
    moments = [work.updated_at]
    moments += [progress.created_at for progress in work.progress_list]
    moments += [document.created_at for document in work.document_list]
    return max(moments)


def _location(work: RoadWork) -> dict:
    cantons = [canton.name_es for canton in work.cantons.all()]
    parishes = [parish.name_es for parish in work.parishes.all()]
    ends = " – ".join(end for end in (work.start_reference, work.end_reference) if end)
    parts = [
        ends,
        f"parroquias: {', '.join(parishes)}" if parishes else "",
        f"comunidades: {', '.join(work.community_list)}" if work.community_list else "",
        work.geometry_note_es,
    ]
    geometry = None
    if len(work.geometry) == 1:
        geometry = {"type": "Point", "coordinates": list(work.geometry[0])}
    elif len(work.geometry) > 1:
        geometry = {"type": "LineString", "coordinates": [list(point) for point in work.geometry]}
    return {
        "id": "1",
        "description": "; ".join(part for part in parts if part),
        "geometry": geometry,
        "address": {"locality": ", ".join(cantons), "region": "Pastaza", "countryName": "Ecuador"},
    }


def _contractor(work: RoadWork) -> dict | None:
    if not work.contractor_name:
        return None
    if work.contractor_ruc:
        return {
            "id": f"{RUC_SCHEME}-{work.contractor_ruc}",
            "name": work.contractor_name,
            "identifier": {"scheme": RUC_SCHEME, "id": work.contractor_ruc, "legalName": work.contractor_name},
            "roles": ["supplier"],
        }
    return {"id": f"supplier-{slugify(work.contractor_name)[:60]}", "name": work.contractor_name, "roles": ["supplier"]}


def _parties(work: RoadWork, contractor: dict | None) -> list[dict]:
    authority_roles = ["publicAuthority"]
    if work.financing == Financing.OWN_FUNDS:
        authority_roles.append("funder")
    parties = [
        {
            "id": PUBLIC_AUTHORITY_ID,
            "name": PUBLIC_AUTHORITY_NAME,
            "address": {"locality": "Puyo", "region": "Pastaza", "countryName": "Ecuador"},
            "roles": authority_roles,
        }
    ]
    if contractor:
        parties.append(contractor)
    if work.partner:
        parties.append({"id": f"partner-{slugify(work.partner)[:60]}", "name": work.partner, "roles": ["funder"]})
    if work.financing in FUNDERS:
        parties.append({"id": f"funder-{work.financing}", "name": FUNDERS[work.financing], "roles": ["funder"]})
    return parties


def _milestone(key: str, title: str, due: date | None, met: date | None) -> dict | None:
    if due is None and met is None:
        return None
    return {
        "id": key,
        "title": title,
        "type": "delivery",
        "code": key,
        "dueDate": _moment(due),
        "dateMet": _moment(met),
        "status": "met" if met else "scheduled",
    }


def _metrics(work: RoadWork) -> list[dict]:
    physical, financial = [], []
    for progress in work.progress_list:
        day = _moment(progress.observed_on)
        period = {"startDate": day, "endDate": day}
        physical.append(
            {
                "id": progress.observed_on.isoformat(),
                "period": period,
                "measure": progress.physical_pct,
                "unit": PERCENT_UNIT,
            }
        )
        if progress.paid_amount is not None:
            financial.append(
                {"id": progress.observed_on.isoformat(), "period": period, "value": _money(progress.paid_amount)}
            )
    metrics = []
    if physical:
        metrics.append(
            {
                "id": "physicalProgress",
                "title": "Avance físico",
                "description": "Porcentaje de la obra ejecutado, según el informe de avance publicado en esa fecha.",
                "observations": physical,
            }
        )
    if financial:
        metrics.append(
            {
                "id": "financialProgress",
                "title": "Avance financiero",
                "description": "Monto pagado hasta esa fecha (USD), según el informe de avance publicado.",
                "observations": financial,
            }
        )
    return metrics


def _documents(work: RoadWork) -> list[dict]:
    rows = []
    for document in work.document_list:
        path = document.get_file_url()
        rows.append(
            {
                "id": str(document.pk),
                "documentType": document.document_type,
                "title": text_in(document, "title", "es"),
                "url": site_url(path) if path else document.url,
                "datePublished": _moment(document.published_on),
                "format": document.content_type if path else None,
            }
        )
    return rows


def _contracting_processes(work: RoadWork, contractor: dict | None) -> list[dict]:
    if not (work.ocds_id or work.procurement_code):
        return []
    summary = {
        "ocid": work.ocds_id,
        "externalReference": work.procurement_code,
        "nature": ["design"] if work.kind == WorkKind.STUDY else ["construction"],
        "suppliers": [{"id": contractor["id"], "name": contractor["name"]}] if contractor else [],
    }
    return [{"id": work.ocds_id or work.procurement_code, "summary": summary}]


def _social(work: RoadWork) -> dict:
    meetings = []
    meeting = work.consultation_meeting
    if meeting is not None and meeting.is_published:
        meetings.append(
            {
                "id": meeting.slug,
                "date": _moment(meeting.date),
                "address": {
                    "locality": meeting.canton.name_es if meeting.canton_id else None,
                    "region": "Pastaza",
                    "countryName": "Ecuador",
                },
            }
        )
    return {"inIndigenousLand": work.indigenous_territory, "consultationMeetings": meetings}


def project(work: RoadWork) -> dict:
    """One published work (as works_for_oc4ids reads it) as an OC4IDS project, in Spanish."""
    contractor = _contractor(work)
    planned = {"startDate": _moment(work.planned_start), "endDate": _moment(work.planned_end)}
    completion = None
    if work.status in FINISHED:
        completion = {"endDate": _moment(work.actual_end), "finalValue": _money(work.paid_amount)}
    communities = work.community_list
    data = {
        "id": project_id(work),
        "updated": _moment(last_change(work)),
        "language": "es",
        "identifiers": [{"id": work.code, "scheme": "Conecta Pastaza"}],
        "publicAuthority": {"id": PUBLIC_AUTHORITY_ID, "name": PUBLIC_AUTHORITY_NAME},
        "title": work.name_es,
        "description": work.description_es,
        "status": work.status,
        "type": PROJECT_TYPES.get(work.kind),
        "sector": SECTORS,
        "purpose": f"Acceso vial para las comunidades: {', '.join(communities)}." if communities else None,
        "budget": {
            "amount": _money(work.budget),
            "description": str(Financing(work.financing).label) if work.financing else None,
        }
        if work.budget is not None
        else None,
        "period": planned,
        "implementationPeriod": planned,
        "locations": [_location(work)],
        "parties": _parties(work, contractor),
        "milestones": [
            _milestone("commencement", "Inicio de la obra", work.planned_start, work.actual_start),
            _milestone("completion", "Fin de la obra", work.planned_end, work.actual_end),
        ],
        "metrics": _metrics(work),
        "completion": completion,
        "documents": _documents(work),
        "contractingProcesses": _contracting_processes(work, contractor),
        "social": _social(work),
    }
    return _pruned(data)


def package(works: Iterable[RoadWork], *, path: str) -> dict | None:
    """A project package of `works` (published, as works_for_oc4ids reads them) published at `path`, in Spanish;
    None without a work (a package holds at least one project). `publishedDate` is the last change of its
    contents, so the same data give the same package."""
    works = list(works)
    if not works:
        return None
    with translation.override("es"):
        projects = [project(work) for work in works]
        policy = site_url(reverse("privacy"))
    return {
        "uri": site_url(path),
        "publishedDate": _moment(max(last_change(work) for work in works)),
        "version": VERSION,
        "publisher": {"name": PUBLIC_AUTHORITY_NAME, "uri": site_url("/")},
        "license": LICENSE,
        "publicationPolicy": policy,
        "projects": projects,
    }
