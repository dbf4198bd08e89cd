"""What the API says of each record: the fields of the public pages, in the language asked for, and nothing else.

1. Texts staff write in Spanish and Kichwa come in the language of the request (`TranslatedText`); where the
   Kichwa text is missing the Spanish one stands in, and the record's `texts_in_spanish` names those fields (as
   the pages mark them lang="es"). What citizens wrote stays in the language they wrote it in.
2. Choices come as their stable code and, beside it, their label in the language of the request (`*_label`).
3. Amounts are decimal strings ("250000.00", never a float), dates ISO 8601, times with their offset.
4. Addresses are absolute: `url` is the record in this API, `web_url` its page on the portal, `file_url` a
   published file (with its `sha256` and `size` in bytes, to check a copy).
5. Never a person: no staff member who recorded, checked or approved anything; of a road request, nothing its
   sender wrote or gave (name, contact, description, coordinates), as the roads' open data (roads.exports), and
   the staff's public notes without a greeting by name.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments.models import Axis, Indicator, IndicatorVerification, Institution, IrmLevel, Parish
from conecta.fallbacks import is_fallback, text_in
from feedback.public_text import answer_publicly
from meetings.models import Agreement, Meeting, MeetingAttendance
from meetings.selectors import agenda_items
from reports.models import Report
from roads.models import (
    DocumentType,
    Executor,
    Financing,
    GeometrySource,
    RoadRequest,
    Surface,
    WorkKind,
    WorkStatus,
)

# Fields.


def absolute(request, path: str) -> str | None:
    """`path` as an address on the host the request came to; None for no path."""
    if not path:
        return None
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field(OpenApiTypes.STR)
class TranslatedText(serializers.Field):
    """A text written in Spanish and Kichwa (the model's field of the same name), in the language of the request:
    Spanish where the Kichwa is missing."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str:
        return str(text_in(obj, self.field_name))


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TextsInSpanish(serializers.Field):
    """Which of the record's translated texts are shown in Spanish because their Kichwa text is missing."""

    def __init__(self, *fields: str, **kwargs):
        self.translated = fields
        kwargs.setdefault(
            "help_text",
            _("Which of this record's texts are in Spanish because their Kichwa text is not written yet."),
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> list[str]:
        return [name for name in self.translated if is_fallback(text_in(obj, name))]


class Code(serializers.ChoiceField):
    """A choice's stable code; an empty one (of a field that may be left blank) is null."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices=[(code, label) for code, label in choices if code], read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


class OptionalLink(serializers.URLField):
    """An address that may be left blank: null then."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field({"type": ["string", "null"]})
class Label(serializers.Field):
    """The label of a choice (read from `attribute`, a field, an annotation or a property), in the language of
    the request; null where there is no choice."""

    def __init__(self, choices, attribute: str, **kwargs):
        self.choices = choices
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str | None:
        value = getattr(obj, self.attribute)
        return str(self.choices(value).label) if value in self.choices.values else None


@extend_schema_field(OpenApiTypes.URI)
class WebLink(serializers.Field):
    """The record's page on the portal, in the language of the request (its get_absolute_url)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str | None:
        return absolute(self.context.get("request"), obj.get_absolute_url())


@extend_schema_field({"type": ["string", "null"], "format": "uri"})
class FileLink(serializers.Field):
    """The public address of the record's file (its get_file_url), or null where it has none."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str | None:
        return absolute(self.context.get("request"), obj.get_file_url())


def amount(**kwargs) -> serializers.DecimalField:
    """An amount in US dollars (or a measured value), as a decimal string."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


def link(view: str, lookup: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(view_name=f"opendata_api:{view}", lookup_field=lookup)


# The serializers below have no docstring: the OpenAPI document would take it as the record's description, in
# English whatever the language asked for. Their fields say what they are.


# Every error the API answers (400, 404, 405, 429): what went wrong, in the language of the request.
class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True, help_text=_("A stable word for the error, e.g. not_found."))
    # Not read-only: the document then says it may be absent (it is, but on a 400).
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For a 400: what is wrong with each parameter, by its name."),
    )


# The territory and the institutions.


class InstitutionRef(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = TranslatedText()
    acronym = serializers.CharField(read_only=True)


class InstitutionSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = TranslatedText()
    acronym = serializers.CharField(read_only=True)
    kind = Code(Institution.Kind.choices)
    kind_label = Label(Institution.Kind, "kind")
    parent = serializers.CharField(source="parent.slug", read_only=True, allow_null=True)
    website = OptionalLink()
    web_url = serializers.SerializerMethodField()
    texts_in_spanish = TextsInSpanish("name")

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, institution) -> str:
        return absolute(self.context.get("request"), reverse("commitments:institution", args=[institution.slug]))


class CantonSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text=_("The canton's INEC code."))
    slug = serializers.SlugField(read_only=True)
    name = TranslatedText()
    seat = serializers.CharField(read_only=True)
    population_2022 = serializers.IntegerField(read_only=True, allow_null=True)
    population_note = serializers.CharField(read_only=True)
    web_url = serializers.SerializerMethodField()
    texts_in_spanish = TextsInSpanish("name")

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, canton) -> str:
        return absolute(self.context.get("request"), reverse("commitments:canton", args=[canton.slug]))


class ParishSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text=_("The parish's INEC code."))
    name = TranslatedText()
    kind = Code(Parish.Kind.choices)
    kind_label = Label(Parish.Kind, "kind")
    canton = serializers.CharField(source="canton.slug", read_only=True)
    texts_in_spanish = TextsInSpanish("name")


class PlaceRef(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    name = TranslatedText()


class ParishRef(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = TranslatedText()


# The plan.


class PlanSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    url = link("plan", "slug")
    title = TranslatedText()
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)
    submitted_on = serializers.DateField(read_only=True, allow_null=True)
    published_by_ogp_on = serializers.DateField(read_only=True, allow_null=True)
    is_current = serializers.SerializerMethodField(
        help_text=_("Whether this is the plan the portal shows (and the lists of this API read by default).")
    )
    source_url = OptionalLink()
    texts_in_spanish = TextsInSpanish("title")

    def get_is_current(self, plan) -> bool:
        current = self.context.get("current_plan")
        return current is not None and current.pk == plan.pk


class Row:
    """A plain row of named values, for serializers of dictionaries."""

    def __init__(self, **values):
        self.__dict__.update(values)


class AxisOverview(serializers.Serializer):
    axis = Code(Axis.choices)
    axis_label = Label(Axis, "axis")
    commitments = serializers.IntegerField(source="count", read_only=True)
    progress = serializers.IntegerField(read_only=True, allow_null=True)

    def to_representation(self, row):
        return super().to_representation(Row(axis=row["axis"].value, count=row["count"], progress=row["progress"]))


class LevelOverview(serializers.Serializer):
    level = Code(IrmLevel.choices)
    level_label = Label(IrmLevel, "level")
    commitments = serializers.IntegerField(source="count", read_only=True)

    def to_representation(self, row):
        return super().to_representation(Row(level=row["level"].value, count=row["count"]))


class OverviewSerializer(serializers.Serializer):
    commitments = serializers.IntegerField(source="total", read_only=True)
    progress = serializers.IntegerField(
        source="overall_progress",
        read_only=True,
        allow_null=True,
        help_text=_("The mean progress (%) of the commitments with something measured; null when none has."),
    )
    level = Code(IrmLevel.choices, source="overall_level")
    by_axis = AxisOverview(many=True, read_only=True)
    by_level = LevelOverview(many=True, read_only=True)


class PlanDetailSerializer(PlanSerializer):
    foreword = TranslatedText()
    vision = TranslatedText()
    challenges = TranslatedText()
    monitoring = TranslatedText()
    overview = OverviewSerializer(read_only=True, help_text=_("The plan's published commitments, counted."))
    texts_in_spanish = TextsInSpanish("title", "foreword", "vision", "challenges", "monitoring")


# Commitments and what hangs from them.


class EvidenceSerializer(serializers.Serializer):
    title = TranslatedText()
    link = OptionalLink(source="url")
    file_url = FileLink()
    sha256 = serializers.CharField(read_only=True, allow_blank=True)
    size = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("The file's size in bytes."))
    texts_in_spanish = TextsInSpanish("title")


class ObservationSerializer(serializers.Serializer):
    observed_on = serializers.DateField(read_only=True)
    progress = serializers.IntegerField(read_only=True)
    level = Code(IrmLevel.choices)
    is_example = serializers.BooleanField(source="is_illustrative", read_only=True)


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    commitment = serializers.CharField(source="commitment.code", read_only=True)
    order = serializers.IntegerField(read_only=True)
    title = TranslatedText()
    description = TranslatedText()
    expected_output = TranslatedText()
    weight = serializers.IntegerField(read_only=True)
    starts_on = serializers.DateField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    completed_on = serializers.DateField(read_only=True, allow_null=True)
    level = Code(IrmLevel.choices)
    level_label = Label(IrmLevel, "level")
    progress = serializers.IntegerField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_completed_late = serializers.BooleanField(read_only=True)
    responsible_institution = InstitutionRef(read_only=True, allow_null=True)
    is_example = serializers.BooleanField(
        source="is_illustrative",
        read_only=True,
        help_text=_("Illustrative data standing in for the real record until staff replace it."),
    )
    progress_history = ObservationSerializer(
        source="observations.all",
        many=True,
        read_only=True,
        help_text=_("Each dated observation of its progress, oldest first."),
    )
    evidence = EvidenceSerializer(source="evidence.all", many=True, read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    texts_in_spanish = TextsInSpanish("title", "description", "expected_output")


class UpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    commitment = serializers.CharField(source="commitment.code", read_only=True)
    milestone = serializers.IntegerField(source="milestone_id", read_only=True, allow_null=True)
    occurred_on = serializers.DateField(read_only=True)
    title = TranslatedText()
    text = TranslatedText()
    progress = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The progress (%) of its milestone it reports, if any.")
    )
    is_example = serializers.BooleanField(source="is_illustrative", read_only=True)
    evidence = EvidenceSerializer(source="evidence.all", many=True, read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    texts_in_spanish = TextsInSpanish("title", "text")


class VerificationSerializer(serializers.Serializer):
    status = Code(IndicatorVerification.Status.choices)
    status_label = Label(IndicatorVerification.Status, "status")
    note = serializers.CharField(read_only=True)
    checked_at = serializers.DateTimeField(read_only=True)


class IndicatorValueSerializer(serializers.Serializer):
    observed_on = serializers.DateField(read_only=True)
    value = amount()
    group = serializers.CharField(
        read_only=True,
        help_text=_("The group of a disaggregated value (a sex, canton or community); empty for the total."),
    )
    source = TranslatedText()
    note = TranslatedText()
    evidence_url = OptionalLink()
    is_example = serializers.BooleanField(source="is_illustrative", read_only=True)
    verification = serializers.SerializerMethodField(
        help_text=_("The independent monitor's verdict on this value; null while it has not checked it.")
    )
    texts_in_spanish = TextsInSpanish("source", "note")

    @extend_schema_field(VerificationSerializer(allow_null=True))
    def get_verification(self, value) -> dict | None:
        verification = getattr(value, "verification", None)
        return VerificationSerializer(verification, context=self.context).data if verification else None


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    commitment = serializers.CharField(source="commitment.code", read_only=True)
    order = serializers.IntegerField(read_only=True)
    name = TranslatedText()
    unit = TranslatedText()
    direction = Code(Indicator.Direction.choices)
    direction_label = Label(Indicator.Direction, "direction")
    baseline_value = amount()
    baseline_on = serializers.DateField(read_only=True)
    target_value = amount()
    target_on = serializers.DateField(read_only=True)
    method = TranslatedText()
    source = TranslatedText()
    disaggregation = Code(Indicator.Disaggregation.choices)
    disaggregation_label = Label(Indicator.Disaggregation, "disaggregation")
    is_example = serializers.BooleanField(source="is_illustrative", read_only=True)
    values = IndicatorValueSerializer(
        source="values.all", many=True, read_only=True, help_text=_("Its published measured values, oldest first.")
    )
    updated_at = serializers.DateTimeField(read_only=True)
    texts_in_spanish = TextsInSpanish("name", "unit", "method", "source")


class OgpValueRef(serializers.Serializer):
    code = serializers.SlugField(read_only=True)
    name = TranslatedText()


class CommitmentSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text=_("The commitment's OGP code, e.g. ECPTZ0001."))
    url = link("commitment", "code")
    web_url = WebLink()
    plan = serializers.CharField(source="plan.slug", read_only=True)
    order = serializers.IntegerField(read_only=True)
    title = TranslatedText()
    axis = Code(Axis.choices)
    axis_label = Label(Axis, "axis")
    progress = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The mean progress (%) of its published milestones, weighted; null when it has none."),
    )
    level = Code(IrmLevel.choices, source="irm_level", help_text=_("Its OGP IRM completion level."))
    level_label = Label(IrmLevel, "irm_level")
    is_overdue = serializers.BooleanField(
        read_only=True, help_text=_("Its end date has passed and it is not complete.")
    )
    overdue_milestones = serializers.IntegerField(read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)
    lead_institution = InstitutionRef(read_only=True)
    lead_department = InstitutionRef(read_only=True, allow_null=True)
    budget_planned = amount(allow_null=True)
    budget_executed = amount(allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)
    texts_in_spanish = TextsInSpanish("title")


class CommitmentDetailSerializer(CommitmentSerializer):
    problem = TranslatedText()
    status_quo = TranslatedText()
    action = TranslatedText()
    contribution = TranslatedText()
    budget_source = TranslatedText()
    source_url = OptionalLink()
    ogp_values = OgpValueRef(source="ogp_values.all", many=True, read_only=True)
    supporting_institutions = InstitutionRef(source="supporting_institutions.all", many=True, read_only=True)
    cantons = PlaceRef(source="cantons.all", many=True, read_only=True)
    milestones = MilestoneSerializer(source="milestones.all", many=True, read_only=True)
    updates = UpdateSerializer(source="updates.all", many=True, read_only=True)
    indicators = IndicatorSerializer(source="indicators.all", many=True, read_only=True)
    texts_in_spanish = TextsInSpanish("title", "problem", "status_quo", "action", "contribution", "budget_source")


# Reports.


class ReportFileSerializer(serializers.Serializer):
    language = serializers.CharField(read_only=True)
    file_url = serializers.SerializerMethodField()
    size = serializers.IntegerField(read_only=True, help_text=_("The file's size in bytes."))
    sha256 = serializers.CharField(read_only=True)
    pages = serializers.IntegerField(read_only=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, row) -> str:
        path = reverse("reports:download", args=[row.report.slug, row.report.download_name(row.language)])
        return absolute(self.context.get("request"), path)


class ReportSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    web_url = WebLink()
    plan = serializers.CharField(source="plan.slug", read_only=True)
    kind = Code(Report.Kind.choices)
    kind_label = Label(Report.Kind, "kind")
    period = serializers.CharField(read_only=True, help_text=_("2025-Q3 for a quarter, 2025 for a year."))
    period_starts_on = serializers.DateField(read_only=True)
    period_ends_on = serializers.DateField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    summary = TranslatedText()
    correction_note = TranslatedText()
    published_at = serializers.DateTimeField(read_only=True)
    supersedes = serializers.SerializerMethodField(help_text=_("The version this one corrects."))
    superseded_by = serializers.SerializerMethodField(help_text=_("The published version that corrects this one."))
    has_example_data = serializers.BooleanField(read_only=True)
    files = ReportFileSerializer(source="files.all", many=True, read_only=True)
    data_json_url = serializers.SerializerMethodField()
    data_csv_url = serializers.SerializerMethodField()
    texts_in_spanish = TextsInSpanish("summary", "correction_note")

    def get_supersedes(self, report) -> str | None:
        older = report.supersedes
        return older.slug if older is not None and older.is_published else None

    def get_superseded_by(self, report) -> str | None:
        newer = getattr(report, "superseded_by", None)
        return newer.slug if newer is not None and newer.is_published else None

    def _data_url(self, report, extension: str) -> str:
        path = reverse("reports:download", args=[report.slug, report.data_name(extension)])
        return absolute(self.context.get("request"), path)

    @extend_schema_field(OpenApiTypes.URI)
    def get_data_json_url(self, report) -> str:
        return self._data_url(report, "json")

    @extend_schema_field(OpenApiTypes.URI)
    def get_data_csv_url(self, report) -> str:
        return self._data_url(report, "csv")


# Meetings and agreements.


class AttendanceRow(serializers.Serializer):
    category = Code(MeetingAttendance.Category.choices)
    category_label = Label(MeetingAttendance.Category, "category")
    people = serializers.IntegerField(read_only=True)


class AttendanceSerializer(serializers.Serializer):
    total = serializers.IntegerField(read_only=True, help_text=_("People who attended."))
    by_gender = AttendanceRow(many=True, read_only=True)
    by_sector = AttendanceRow(many=True, read_only=True)


class MinutesFileSerializer(serializers.Serializer):
    file_url = serializers.URLField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("The file's size in bytes."))


class MeetingSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    web_url = serializers.SerializerMethodField()
    plan = serializers.CharField(source="plan.slug", read_only=True, allow_null=True)
    kind = Code(Meeting.Kind.choices)
    kind_label = Label(Meeting.Kind, "kind")
    title = TranslatedText()
    date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    place = TranslatedText()
    canton = serializers.CharField(source="canton.slug", read_only=True, allow_null=True)
    axis = Code(Axis.choices, allow_null=True)
    summary = TranslatedText()
    agenda = serializers.SerializerMethodField(help_text=_("The agenda's items, in order."))
    minutes = TranslatedText()
    minutes_file = serializers.SerializerMethodField(help_text=_("The signed minutes (PDF); null when there are none."))
    attendance = serializers.SerializerMethodField()
    agreements = serializers.IntegerField(source="agreement_count", read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    texts_in_spanish = TextsInSpanish("title", "place", "summary", "agenda", "minutes")

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, meeting) -> str:
        return absolute(self.context.get("request"), reverse("meetings:detail", args=[meeting.slug]))

    def get_agenda(self, meeting) -> list[str]:
        return agenda_items(str(text_in(meeting, "agenda")))

    @extend_schema_field(MinutesFileSerializer(allow_null=True))
    def get_minutes_file(self, meeting) -> dict | None:
        if not meeting.minutes_file:
            return None
        path = reverse("meetings:minutes", args=[meeting.slug])
        return {
            "file_url": absolute(self.context.get("request"), path),
            "sha256": meeting.minutes_sha256,
            "size": meeting.minutes_size,
        }

    @extend_schema_field(AttendanceSerializer)
    def get_attendance(self, meeting) -> dict:
        figures = meeting.attendance_figures
        rows = {
            "by_gender": [(c, figures.gender[c]) for c in MeetingAttendance.GENDERS if c in figures.gender],
            "by_sector": [(c, figures.sector[c]) for c in MeetingAttendance.SECTORS if c in figures.sector],
        }
        data = {
            name: AttendanceRow([Row(category=c.value, people=n) for c, n in found], many=True).data
            for name, found in rows.items()
        }
        return {"total": figures.total, **data}


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    meeting = serializers.CharField(source="meeting.slug", read_only=True)
    number = serializers.IntegerField(source="order", read_only=True)
    text = TranslatedText()
    owner_institution = InstitutionRef(read_only=True, allow_null=True)
    owner = TranslatedText(help_text=_("Who else owns it (a community organisation, a working group)."))
    due_date = serializers.DateField(read_only=True, allow_null=True)
    status = Code(Agreement.Status.choices)
    status_label = Label(Agreement.Status, "status")
    is_overdue = serializers.BooleanField(read_only=True)
    status_note = TranslatedText()
    commitment = serializers.SerializerMethodField(help_text=_("The published commitment it concerns."))
    updated_at = serializers.DateTimeField(read_only=True)
    texts_in_spanish = TextsInSpanish("text", "owner", "status_note")

    def get_commitment(self, agreement) -> str | None:
        commitment = agreement.commitment
        return commitment.code if commitment is not None and commitment.is_published else None


# Roads.


@extend_schema_field(
    {
        "type": ["object", "null"],
        "description": "RFC 7946: WGS84, longitude first.",
        "properties": {
            "type": {"type": "string", "enum": ["Point", "LineString"]},
            "coordinates": {"type": "array"},
        },
        "required": ["type", "coordinates"],
    }
)
class Geometry(serializers.Field):
    """A road work's line (or point) as a GeoJSON geometry; null where it has none."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, points) -> dict | None:
        if not points:
            return None
        if len(points) == 1:
            return {"type": "Point", "coordinates": list(points[0])}
        return {"type": "LineString", "coordinates": [list(point) for point in points]}


class RoadProgressSerializer(serializers.Serializer):
    observed_on = serializers.DateField(read_only=True)
    physical_pct = serializers.IntegerField(read_only=True, help_text=_("Physical progress (%)."))
    paid_amount = amount(allow_null=True)
    note = TranslatedText()
    texts_in_spanish = TextsInSpanish("note")


class RoadDocumentSerializer(serializers.Serializer):
    document_type = Code(DocumentType.choices, help_text=_("OC4IDS documentType."))
    document_type_label = Label(DocumentType, "document_type")
    title = TranslatedText()
    published_on = serializers.DateField(read_only=True)
    link = OptionalLink(source="url")
    file_url = FileLink()
    sha256 = serializers.CharField(read_only=True, allow_blank=True)
    size = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("The file's size in bytes."))
    texts_in_spanish = TextsInSpanish("title")


class RoadWorkSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    url = link("road-work", "code")
    web_url = WebLink()
    name = TranslatedText()
    kind = Code(WorkKind.choices)
    kind_label = Label(WorkKind, "kind")
    status = Code(WorkStatus.choices, help_text=_("OC4IDS projectStatus, or maintenance of a finished road."))
    status_label = Label(WorkStatus, "status")
    institution = InstitutionRef(read_only=True)
    commitment = serializers.SerializerMethodField(help_text=_("The published commitment it belongs to."))
    cantons = PlaceRef(source="cantons.all", many=True, read_only=True)
    parishes = ParishRef(source="parishes.all", many=True, read_only=True)
    communities = serializers.ListField(source="community_list", child=serializers.CharField(), read_only=True)
    length_km = amount(allow_null=True)
    budget = amount(allow_null=True)
    paid_amount = amount(allow_null=True, help_text=_("Paid by the date of its latest published progress."))
    physical_pct = serializers.IntegerField(read_only=True, help_text=_("Its latest published physical progress (%)."))
    financial_pct = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The amount paid as a share of the budget (%).")
    )
    progress_on = serializers.DateField(read_only=True, allow_null=True)
    planned_start = serializers.DateField(read_only=True, allow_null=True)
    planned_end = serializers.DateField(read_only=True, allow_null=True)
    actual_start = serializers.DateField(read_only=True, allow_null=True)
    actual_end = serializers.DateField(read_only=True, allow_null=True)
    executor = Code(Executor.choices)
    executor_label = Label(Executor, "executor")
    contractor_name = serializers.CharField(read_only=True)
    contractor_ruc = serializers.CharField(read_only=True)
    financing = Code(Financing.choices, allow_null=True)
    financing_label = Label(Financing, "financing")
    procurement_code = serializers.CharField(read_only=True)
    ocds_id = serializers.CharField(read_only=True)
    indigenous_territory = serializers.BooleanField(read_only=True)
    prior_consultation = serializers.BooleanField(read_only=True)
    is_example = serializers.BooleanField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    texts_in_spanish = TextsInSpanish("name")

    def get_commitment(self, work) -> str | None:
        commitment = work.commitment
        return commitment.code if commitment is not None and commitment.is_published else None


class RoadWorkDetailSerializer(RoadWorkSerializer):
    description = TranslatedText()
    start_reference = serializers.CharField(read_only=True)
    end_reference = serializers.CharField(read_only=True)
    surface_before = Code(Surface.choices, allow_null=True)
    surface_after = Code(Surface.choices, allow_null=True)
    partner = serializers.CharField(read_only=True)
    consultation_meeting = serializers.SerializerMethodField(
        help_text=_("The published meeting of its prior consultation.")
    )
    geometry = Geometry()
    geometry_source = Code(GeometrySource.choices, allow_null=True)
    geometry_note = TranslatedText()
    progress = RoadProgressSerializer(
        source="progress_list", many=True, read_only=True, help_text=_("Its published progress, oldest first.")
    )
    documents = RoadDocumentSerializer(source="document_list", many=True, read_only=True)
    texts_in_spanish = TextsInSpanish("name", "description", "geometry_note")

    def get_consultation_meeting(self, work) -> str | None:
        meeting = work.consultation_meeting
        return meeting.slug if meeting is not None and meeting.is_published else None


class RequestChangeSerializer(serializers.Serializer):
    status = Code(RoadRequest.Status.choices)
    status_label = Label(RoadRequest.Status, "status")
    changed_at = serializers.DateTimeField(read_only=True)
    note = serializers.SerializerMethodField(help_text=_("The public note that explains the change."))
    texts_in_spanish = TextsInSpanish("note")

    def get_note(self, change) -> str:
        # Staff greet the sender by name ("Estimada Rosa:"): the public copy drops the greeting and the name.
        return answer_publicly(answer=str(text_in(change, "note")), name=self.context.get("sender_name", ""))


class RoadRequestSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(read_only=True)
    web_url = WebLink()
    kind = Code(RoadRequest.Kind.choices)
    kind_label = Label(RoadRequest.Kind, "kind")
    status = Code(RoadRequest.Status.choices)
    status_label = Label(RoadRequest.Status, "status")
    is_open = serializers.BooleanField(read_only=True)
    canton = serializers.CharField(source="parish.canton.slug", read_only=True)
    parish = serializers.CharField(source="parish.code", read_only=True)
    community = serializers.CharField(read_only=True)
    road_name = serializers.CharField(read_only=True)
    photo_url = serializers.SerializerMethodField(help_text=_("Its photo, where a moderator made it public."))
    received_on = serializers.DateField(read_only=True)
    fixed_on = serializers.DateField(read_only=True, allow_null=True)
    days_to_fix = serializers.IntegerField(read_only=True, allow_null=True)
    about_work = serializers.SerializerMethodField(help_text=_("The published road work it is about."))
    answered_by_work = serializers.SerializerMethodField(help_text=_("The published road work that answers it."))
    history = serializers.SerializerMethodField(help_text=_("Each change of its status, oldest first."))

    def get_photo_url(self, road_request) -> str | None:
        if not (road_request.photo and road_request.photo_public and road_request.photo_sha256):
            return None
        path = reverse("roads:request_photo", args=[road_request.tracking_code, road_request.photo_sha256[:16]])
        return absolute(self.context.get("request"), path)

    def _work(self, work) -> str | None:
        return work.code if work is not None and work.is_published else None

    def get_about_work(self, road_request) -> str | None:
        return self._work(road_request.work)

    def get_answered_by_work(self, road_request) -> str | None:
        return self._work(road_request.answered_by_work)

    @extend_schema_field(RequestChangeSerializer(many=True))
    def get_history(self, road_request) -> list:
        context = {**self.context, "sender_name": road_request.name}
        return RequestChangeSerializer(road_request.history, many=True, context=context).data
