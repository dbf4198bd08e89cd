"""factory_boy factories for the plan. Translated fields are set per language (title_es, title_qu) so a test
never depends on which language happens to be active when it builds its rows."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from commitments.models import (
    ActionPlan,
    Axis,
    Canton,
    Commitment,
    Institution,
    IrmLevel,
    Milestone,
    MilestoneProgress,
    OgpValue,
    ProgressSource,
    ProgressUpdate,
    StaffProfile,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@pastaza.gob.ec")
    is_staff = True
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        """`UserFactory(groups=["Planificación"])` puts the user in those role groups (made by post_migrate)."""
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"institucion-{n}")
    name_es = factory.Sequence(lambda n: f"Institución {n}")
    acronym = factory.Sequence(lambda n: f"INS{n}")
    kind = Institution.Kind.PROVINCIAL_GOVERNMENT


class DepartmentFactory(InstitutionFactory):
    slug = factory.Sequence(lambda n: f"direccion-{n}")
    name_es = factory.Sequence(lambda n: f"Dirección {n}")
    acronym = factory.Sequence(lambda n: f"DIR{n}")
    kind = Institution.Kind.PROVINCIAL_DEPARTMENT


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(DepartmentFactory)


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title_es = factory.Sequence(lambda n: f"Plan de acción {n}")
    starts_on = date(2025, 1, 1)
    ends_on = date(2027, 2, 28)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST{n + 1:04d}")
    plan = factory.SubFactory(ActionPlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    title_es = factory.Sequence(lambda n: f"Compromiso de prueba {n}")
    axis = Axis.BIOPHYSICAL
    lead_institution = factory.SubFactory(InstitutionFactory)
    lead_department = factory.SubFactory(DepartmentFactory)
    starts_on = date(2025, 1, 1)
    ends_on = date(2027, 2, 28)
    is_published = True


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A published milestone, 40 % done (limited)."""

    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    commitment = factory.SubFactory(CommitmentFactory)
    order = factory.Sequence(lambda n: n + 1)
    weight = 1
    title_es = factory.Sequence(lambda n: f"Hito de prueba {n}")
    starts_on = date(2025, 2, 1)
    due_on = date(2025, 12, 31)
    progress = 40
    level = factory.LazyAttribute(lambda m: IrmLevel.for_progress(m.progress).value)
    completed_on = factory.LazyAttribute(lambda m: date(2025, 12, 1) if m.level == IrmLevel.COMPLETE else None)
    is_published = True

    @factory.post_generation
    def observed(self, create, day, **kwargs):
        """Its progress is in its history as services.milestone_save would record it: observed on `observed`
        (`MilestoneFactory(observed=date(...))`), by default on its start date; `observed=False` records
        nothing (a milestone with no history, as before the history existed)."""
        if not create or day is False or (self.progress == 0 and self.level == IrmLevel.NOT_STARTED):
            return
        MilestoneProgress.objects.create(
            milestone=self,
            observed_on=day or self.starts_on,
            progress=self.progress,
            level=self.level,
            source=ProgressSource.ADMIN,
            is_illustrative=self.is_illustrative,
        )


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    occurred_on = date(2025, 6, 1)
    title_es = factory.Sequence(lambda n: f"Avance de prueba {n}")
    text_es = "Se avanzó según lo previsto."
    is_published = True


class CantonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Canton
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"16{n % 90 + 10:02d}")
    slug = factory.Sequence(lambda n: f"canton-{n}")
    name_es = factory.Sequence(lambda n: f"Cantón {n}")
    seat = factory.LazyAttribute(lambda c: c.name_es)


class OgpValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OgpValue
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"valor-{n}")
    name_es = factory.Sequence(lambda n: f"Valor {n}")


def pdf_bytes(pages: int = 1) -> bytes:
    """A small real PDF of blank A4 pages, for upload tests (FCD documents, signed minutes)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
