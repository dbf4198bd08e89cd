"""The staff dashboard: the admin's home page lists what awaits the signed-in person, each line a count with a
link to the admin list filtered to exactly those things (templates/admin/index.html).

This module knows no app: each app registers a provider of its own lines from its AppConfig.ready()
(conecta.extensions.register_dashboard_items), and the provider decides what the person's role lets them see and
act on (a planner sees everything, an implementer what their institution leads, the monitor what it checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from .extensions import SEVERITIES, DashboardItem, DashboardList, dashboard_items


@dataclass(frozen=True)
class Line:
    item: DashboardItem
    age_days: int | None

    @property
    def severity(self) -> str:
        return self.item.severity


@dataclass
class Group:
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Dashboard:
    groups: list[Group]
    lists: list[DashboardList]

    @property
    def is_empty(self) -> bool:
        return not self.groups


def age_in_days(since: date | datetime | None, today: date) -> int | None:
    """Whole days from `since` (a date, or a moment read in Pastaza's time) to `today`; never negative."""
    if since is None:
        return None
    day = timezone.localdate(since) if isinstance(since, datetime) else since
    return max((today - day).days, 0)


def dashboard_for(request) -> Dashboard:
    """The lines that are not zero, grouped under their headings (groups in the order of their lines, see
    DashboardItem.order); late ones first within a group, then the person's to-do, then what waits on others."""
    today = timezone.localdate()
    groups: dict[str, Group] = {}
    lists: list[DashboardList] = []
    for item in dashboard_items(request):
        if isinstance(item, DashboardList):
            lists.append(item)
        elif item.count > 0:
            group = groups.setdefault(str(item.group), Group(str(item.group)))
            group.lines.append(Line(item, age_in_days(item.since, today)))
    ordered = sorted(groups.values(), key=lambda group: min(line.item.order for line in group.lines))
    for group in ordered:
        group.lines.sort(key=lambda line: (SEVERITIES.index(line.severity), line.item.order))
    lists.sort(key=lambda entry: entry.order)
    return Dashboard(groups=ordered, lists=lists)
