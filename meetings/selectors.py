"""Reads for the meetings pages: the list (with the steering committee's yearly check), one meeting, the
agreements register and its CSV, and the agreements on a commitment's page. Only published meetings and their
agreements are ever read here; every page has a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import translation

from commitments.models import ActionPlan, Commitment
from conecta.spreadsheet import safe_cell

from .models import Agreement, Meeting, MeetingAttendance

Category = MeetingAttendance.Category
Dimension = MeetingAttendance.Dimension
Status = Agreement.Status


@dataclass
class Attendance:
    """People counted by gender and by sector; `by_gender`/`by_sector` are (label, count) rows for charts."""

    gender: Counter = field(default_factory=Counter)
    sector: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.gender.values()) or sum(self.sector.values())

    @property
    def men(self) -> int:
        return self.gender[Category.MEN]

    @property
    def women(self) -> int:
        return self.gender[Category.WOMEN]

    @property
    def by_gender(self) -> list[tuple[str, int]]:
        return [(Category(c).label, self.gender[c]) for c in MeetingAttendance.GENDERS if c in self.gender]

    @property
    def by_sector(self) -> list[tuple[str, int]]:
        return [(Category(c).label, self.sector[c]) for c in MeetingAttendance.SECTORS if c in self.sector]

    def add(self, other: Attendance) -> None:
        self.gender.update(other.gender)
        self.sector.update(other.sector)


def meetings_public(*, plan: ActionPlan | None, kind: str) -> list[Meeting]:
    """The plan's published meetings of one kind, each with `attendance_figures` (an Attendance); two queries."""
    if plan is None:
        return []
    meetings = list(Meeting.objects.published().for_plan(plan).of_kind(kind).prefetch_related("attendance"))
    for meeting in meetings:
        figures = Attendance()
        for row in meeting.attendance.all():
            (figures.gender if row.dimension == Dimension.GENDER else figures.sector)[row.category] += row.count
        meeting.attendance_figures = figures
    return meetings


def attendance_overall(meetings: list[Meeting]) -> Attendance:
    overall = Attendance()
    for meeting in meetings:
        overall.add(meeting.attendance_figures)
    return overall



# OGP asks a multi-stakeholder forum (here the Steering Committee) to meet at least this many times a year.
FORUM_MEETINGS_PER_YEAR = 2
# The commitment page shows this many agreements; the register has them all.
PANEL_AGREEMENTS = 10
# An agreement is still open while pending or in progress; past its due date it is overdue.
OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)
# The register's status filter (its values are the Spanish words of the address) also offers "overdue", which is
# not a stored status.
OVERDUE = "vencido"
STATUS_WORDS = {
    "pendiente": Status.PENDING,
    "en-curso": Status.IN_PROGRESS,
    "cumplido": Status.DONE,
    "cancelado": Status.CANCELLED,
}

# What the download of a meeting's signed minutes is called, by kind of meeting.
MINUTES_NAME = "conecta-pastaza-acta-{day:%Y-%m-%d}-{kind}.pdf"
KIND_WORDS = {
    Meeting.Kind.COCREATION_WORKSHOP: "taller",
    Meeting.Kind.STEERING_COMMITTEE: "comite",
    Meeting.Kind.TECHNICAL_WORKING_GROUP: "mesa-tecnica",
    Meeting.Kind.CITIZEN_ASSEMBLY: "asamblea",
}

# "1. ", "2) ", "- ", "• ": numbering typed by staff; the page numbers the items itself.
AGENDA_BULLET = re.compile(r"^\s*(?:\d{1,3}\s*[.)-]|[-•*·])\s+")


def minutes_download_name(meeting: Meeting) -> str:
    return MINUTES_NAME.format(day=meeting.date, kind=KIND_WORDS.get(meeting.kind, "reunion"))


def agenda_items(text: str) -> list[str]:
    """The agenda as a list: one item per non-empty line, without the numbering or bullets staff typed."""
    return [AGENDA_BULLET.sub("", line).strip() for line in (text or "").splitlines() if line.strip()]


def _overdue(today: date):
    # Never NULL: an agreement without a due date is not overdue.
    return Case(
        When(Q(due_date__lt=today, status__in=OPEN_STATUSES), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# The list of meetings.


@dataclass(frozen=True)
class MeetingFilters:
    kind: str = ""
    year: int | None = None


def meeting_years() -> list[int]:
    """The years in which published meetings took place, newest first (one query)."""
    return [day.year for day in Meeting.objects.published().dates("date", "year", order="DESC")]


def meetings_listed(*, filters: MeetingFilters, today: date):
    """Published meetings, those still to come (or under way) first, the soonest first; then the past ones, the
    latest first. Each has `attendance_total` (by gender, or by sector when only that was counted),
    `agreement_count`, `has_minutes` and `is_upcoming`. One query per page (plus the paginator's count)."""
    agreements = (
        Agreement.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = Meeting.objects.published().select_related("canton")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.year:
        rows = rows.filter(date__year=filters.year)
    # Under way or to come: its last day is today or later (never NULL, so the order below holds).
    upcoming = Q(_last_day__gte=today)
    return rows.annotate(
        _last_day=Coalesce("end_date", "date", output_field=DateField()),
        _by_gender=Sum("attendance__count", filter=Q(attendance__dimension=Dimension.GENDER)),
        _by_sector=Sum("attendance__count", filter=Q(attendance__dimension=Dimension.SECTOR)),
        attendance_total=Coalesce("_by_gender", "_by_sector"),
        agreement_count=Coalesce(Subquery(agreements, output_field=IntegerField()), Value(0)),
        # Either language's text counts: the Kichwa page shows the Spanish text when there is no Kichwa one.
        has_minutes=ExpressionWrapper(
            Q(minutes_file__gt="") | Q(minutes_es__gt="") | Q(minutes_qu__gt=""), output_field=BooleanField()
        ),
        is_upcoming=ExpressionWrapper(upcoming, output_field=BooleanField()),
        _upcoming_day=Case(When(upcoming, then=F("date")), output_field=DateField()),
    ).order_by(F("is_upcoming").desc(), F("_upcoming_day").asc(nulls_last=True), "-date", "-pk")


@dataclass(frozen=True)
class ForumYear:
    """How often the Steering Committee met in one calendar year of the plan, as recorded on this portal."""

    year: int
    held: int  # published meetings that already took place (by their first day)
    scheduled: int  # published meetings announced for later this year
    in_progress: bool  # the current year: the count may still grow
    partial: bool  # the plan covers only part of this year

    @property
    def met_enough(self) -> bool:
        return self.held >= FORUM_MEETINGS_PER_YEAR

    @property
    def verdict(self) -> str:
        """One word for the answer: yes; in_progress (this year, not yet twice); no (met fewer times); none."""
        if self.met_enough:
            return "yes"
        if self.in_progress:
            return "in_progress"
        return "no" if self.held else "none"


def steering_committee_years(*, plan: ActionPlan | None, today: date) -> list[ForumYear]:
    """For each calendar year from the plan's start to the current one (or the plan's end), how many published
    Steering Committee meetings took place (one query). Meetings not tied to a plan count for the current one."""
    if plan is None:
        return []
    first, last = plan.starts_on.year, min(today.year, plan.ends_on.year)
    if last < first:
        return []
    counts = {
        row["year"]: row
        for row in Meeting.objects.published()
        .of_kind(Meeting.Kind.STEERING_COMMITTEE)
        .filter(Q(plan=plan) | Q(plan__isnull=True), date__year__gte=first, date__year__lte=last)
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values("year")
        .annotate(held=Count("pk", filter=Q(date__lte=today)), scheduled=Count("pk", filter=Q(date__gt=today)))
    }
    years = []
    for year in range(first, last + 1):
        row = counts.get(year, {})
        partial = (year == plan.starts_on.year and (plan.starts_on.month, plan.starts_on.day) != (1, 1)) or (
            year == plan.ends_on.year and (plan.ends_on.month, plan.ends_on.day) != (12, 31)
        )
        years.append(
            ForumYear(
                year=year,
                held=row.get("held", 0),
                scheduled=row.get("scheduled", 0),
                in_progress=year == today.year,
                partial=partial,
            )
        )
    return years


# One meeting.


def meeting_public_detail(*, slug: str, today: date) -> Meeting | None:
    """A published meeting with its canton, `attendance_figures` (an Attendance), `agenda_items` and its
    agreements (each with `is_overdue`, its institution and commitment). Three queries."""
    meeting = (
        Meeting.objects.published()
        .select_related("canton")
        .prefetch_related(
            "attendance",
            Prefetch("agreements", queryset=_agreements(today).order_by("order", "pk"), to_attr="agreement_list"),
        )
        .filter(slug=slug)
        .first()
    )
    if meeting is None:
        return None
    figures = Attendance()
    for row in meeting.attendance.all():
        (figures.gender if row.dimension == Dimension.GENDER else figures.sector)[row.category] += row.count
    meeting.attendance_figures = figures
    meeting.agenda_items = agenda_items(meeting.agenda)
    meeting.is_upcoming = (meeting.end_date or meeting.date) >= today
    meeting.minutes_name = minutes_download_name(meeting)
    return meeting


def minutes_for_download(*, slug: str) -> Meeting | None:
    """A published meeting that has signed minutes (one query)."""
    return (
        Meeting.objects.published()
        .filter(minutes_file__gt="")
        .only("pk", "slug", "kind", "date", "minutes_file", "is_published")
        .filter(slug=slug)
        .first()
    )


# The agreements register.


def _agreements(today: date):
    """Agreements with what their rows show. Their commitment is read whether published or not: the templates
    show it only when published."""
    return Agreement.objects.select_related("owner_institution", "commitment").annotate(is_overdue=_overdue(today))


@dataclass(frozen=True)
class AgreementFilters:
    status: str = ""  # a stored status, or OVERDUE
    commitment: str = ""  # a commitment code


def agreement_commitments() -> list[Commitment]:
    """The published commitments that agreements of published meetings are about, for the register's filter."""
    return list(
        Commitment.objects.published()
        .filter(agreements__meeting__is_published=True)
        .distinct()
        .only("pk", "code", "title", "title_es", "title_qu", "order")
        .order_by("order", "code")
    )


def agreements_register(*, filters: AgreementFilters, today: date):
    """Agreements of published meetings, the latest meeting first, each with its meeting, `is_overdue`, owner
    institution and commitment. One query per page (plus the paginator's count)."""
    rows = _agreements(today).filter(meeting__is_published=True).select_related("meeting")
    if filters.status == OVERDUE:
        rows = rows.filter(due_date__lt=today, status__in=OPEN_STATUSES)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.commitment:
        rows = rows.filter(commitment__code=filters.commitment, commitment__is_published=True)
    return rows.order_by("-meeting__date", "-meeting_id", "order", "pk")


CSV_COLUMNS = [
    "meeting_date",
    "meeting_end_date",
    "meeting_kind",
    "meeting_title_es",
    "meeting_title_qu",
    "meeting_url",
    "number",
    "agreement_es",
    "agreement_qu",
    "responsible_institution",
    "responsible_es",
    "responsible_qu",
    "due_date",
    "status",
    "overdue",
    "status_note_es",
    "status_note_qu",
    "commitment_code",
    "commitment_url",
]


def agreements_csv(rows, *, base_url: str = "") -> str:
    """The register as CSV (open data): both languages' texts, codes rather than labels, no personal data of
    anyone who is not a public owner of the agreement. Addresses are in Spanish, the default language."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    with translation.override("es"):
        for a in rows:
            meeting = a.meeting
            commitment = a.commitment if a.commitment_id and a.commitment.is_published else None
            writer.writerow(
                {
                    key: safe_cell(value)
                    for key, value in {
                        "meeting_date": meeting.date.isoformat(),
                        "meeting_end_date": meeting.end_date.isoformat() if meeting.end_date else "",
                        "meeting_kind": meeting.kind,
                        "meeting_title_es": meeting.title_es,
                        "meeting_title_qu": meeting.title_qu,
                        "meeting_url": base_url + reverse("meetings:detail", args=[meeting.slug]),
                        "number": a.order,
                        "agreement_es": a.text_es,
                        "agreement_qu": a.text_qu,
                        "responsible_institution": a.owner_institution.name_es if a.owner_institution_id else "",
                        "responsible_es": a.owner_es,
                        "responsible_qu": a.owner_qu,
                        "due_date": a.due_date.isoformat() if a.due_date else "",
                        "status": a.status,
                        "overdue": "yes" if a.is_overdue else "no",
                        "status_note_es": a.status_note_es,
                        "status_note_qu": a.status_note_qu,
                        "commitment_code": commitment.code if commitment else "",
                        "commitment_url": base_url + reverse("commitments:detail", args=[commitment.code])
                        if commitment
                        else "",
                    }.items()
                }
            )
    return out.getvalue()


# The commitment page.


@dataclass
class CommitmentAgreements:
    agreements: list[Agreement]
    count: int


def commitment_agreements(*, commitment: Commitment, today: date) -> CommitmentAgreements:
    """The agreements of published meetings about a commitment, the latest meeting first: one query (two when
    there are more than the page shows)."""
    rows = (
        _agreements(today)
        .filter(commitment=commitment, meeting__is_published=True)
        .select_related("meeting")
        .order_by("-meeting__date", "-meeting_id", "order", "pk")
    )
    shown = list(rows[: PANEL_AGREEMENTS + 1])
    count = len(shown)
    if count > PANEL_AGREEMENTS:
        shown, count = shown[:PANEL_AGREEMENTS], rows.count()
    return CommitmentAgreements(agreements=shown, count=count)


def meetings_for_sitemap():
    """The published meetings, for the sitemap (their pages' addresses)."""
    return Meeting.objects.published().only("pk", "slug", "updated_at").order_by("date", "pk")


# Figures for the progress reports (reports.snapshot reads them; meetings never imports reports).


@dataclass
class MeetingFigures:
    """Published meetings held in a period, by kind (`held[kind]`), and the people who attended them."""

    held: Counter
    attendance: int

    @property
    def total(self) -> int:
        return sum(self.held.values())


def meeting_figures(*, start: date, end: date, plan: ActionPlan | None = None) -> MeetingFigures:
    """Published meetings held (their first day) between `start` and `end` of `plan` or of no plan in particular,
    by kind, with the people who attended (counted by gender, or by sector where gender was not recorded). One
    query."""
    meetings = Meeting.objects.published().filter(date__gte=start, date__lte=end)
    if plan is not None:
        meetings = meetings.filter(Q(plan=plan) | Q(plan__isnull=True))
    held: Counter = Counter()
    attendance = 0
    for kind, by_gender, by_sector in (
        meetings.order_by()
        .annotate(
            by_gender=Sum("attendance__count", filter=Q(attendance__dimension=Dimension.GENDER)),
            by_sector=Sum("attendance__count", filter=Q(attendance__dimension=Dimension.SECTOR)),
        )
        .values_list("kind", "by_gender", "by_sector")
    ):
        held[kind] += 1
        attendance += (by_gender if by_gender is not None else by_sector) or 0
    return MeetingFigures(held=held, attendance=attendance)
