"""Sitemap sections of the plan: its published commitments, the institutions behind them, the cantons."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from conecta.sitemaps import LocalizedSitemap

from . import selectors
from .models import Canton, Commitment, Institution


class CommitmentSitemap(LocalizedSitemap):
    def items(self):
        plan = selectors.plan_current()
        if plan is None:
            return []
        return list(Commitment.objects.published().in_plan(plan).only("code", "updated_at").order_by("order", "code"))

    def lastmod(self, commitment: Commitment):
        return commitment.updated_at


class InstitutionSitemap(LocalizedSitemap):
    """Institutions that lead (as government or department) or support a published commitment of the plan."""

    def items(self):
        plan = selectors.plan_current()
        if plan is None:
            return []
        published = Commitment.objects.published().in_plan(plan)
        supporting = Commitment.supporting_institutions.through.objects.filter(commitment__in=published)
        return list(
            Institution.objects.filter(
                Q(pk__in=published.values("lead_institution"))
                | Q(pk__in=published.values("lead_department"))
                | Q(pk__in=supporting.values("institution"))
            )
            .only("slug")
            .order_by("slug")
        )

    def location(self, institution: Institution) -> str:
        return reverse("commitments:institution", kwargs={"slug": institution.slug})


class CantonSitemap(LocalizedSitemap):
    def items(self):
        return list(Canton.objects.only("slug").order_by("code"))

    def location(self, canton: Canton) -> str:
        return reverse("commitments:canton", kwargs={"slug": canton.slug})
