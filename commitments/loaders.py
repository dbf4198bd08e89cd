"""Loaders of the real plan, its territory and OGP's values (used by `load_demo`), which create what is missing and
never change a row that exists, and of the synthetic plans of `seed_scale`, rebuilt each time."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from conecta.loading import LoadTally, create_missing

from . import plan_data, services
from .models import (
    ActionPlan,
    Axis,
    BudgetExecution,
    Canton,
    Commitment,
    Indicator,
    IndicatorValue,
    Institution,
    IrmLevel,
    Milestone,
    MilestoneProgress,
    OgpValue,
    Parish,
    ProgressSource,
    ProgressUpdate,
)
from .search import part_search_text, search_text_for


@transaction.atomic
def reference_data_load(*, tally: LoadTally | None = None) -> LoadTally:
    """OGP's values, the cantons and parishes (INEC) and the institutions: those missing are created, those that
    exist are left as staff may have corrected them."""
    tally = tally if tally is not None else LoadTally()
    for order, (code, name_es, name_qu) in enumerate(plan_data.OGP_VALUES, start=1):
        create_missing(
            OgpValue,
            {"code": code},
            {"name_es": name_es, "name_qu": name_qu, "order": order},
            tally=tally,
            kind="OGP values",
        )
    for row in plan_data.CANTONS:
        map_path, label_x, label_y = plan_data.CANTON_SHAPES[row["code"]]
        canton, _created = create_missing(
            Canton,
            {"code": row["code"]},
            {
                "slug": row["slug"],
                "name_es": row["name"],
                "seat": row["seat"],
                "population_2022": row["population_2022"],
                "population_note": row["population_note"],
                "map_path": map_path,
                "label_x": label_x,
                "label_y": label_y,
            },
            tally=tally,
            kind="cantons",
        )
        for code, name, kind in row["parishes"]:
            create_missing(
                Parish, {"code": code}, {"canton": canton, "name_es": name, "kind": kind}, tally=tally, kind="parishes"
            )
    for slug, name_es, name_qu, acronym, kind, parent, website in plan_data.INSTITUTIONS:
        create_missing(
            Institution,
            {"slug": slug},
            {
                "name_es": name_es,
                "name_qu": name_qu,
                "acronym": acronym,
                "kind": kind,
                "website": website,
                "parent": Institution.objects.get(slug=parent) if parent else None,
            },
            tally=tally,
            kind="institutions",
        )
    return tally


@transaction.atomic
def real_plan_load(*, tally: LoadTally | None = None) -> ActionPlan:
    """The Pastaza plan 2024-2027 with its three real commitments and illustrative milestones and updates.

    1. The reference data, the plan and each commitment: created when missing; one that exists is left exactly
       as it is (a planner may have edited its texts, its lead, its links).
    2. A commitment created now gets its links (OGP values, supporting institutions, cantons) and its example
       milestones and updates; one that existed keeps its own, even none (staff may have removed them).
    """
    tally = tally if tally is not None else LoadTally()
    reference_data_load(tally=tally)
    fields = {k: v for k, v in plan_data.PLAN.items() if k != "slug"}
    plan, _created = create_missing(ActionPlan, {"slug": plan_data.PLAN_SLUG}, fields, tally=tally, kind="action plans")
    gad = Institution.objects.get(slug=plan_data.GAD)
    for row in plan_data.COMMITMENTS:
        values = {key: row[key] for key in row if key.endswith(("_es", "_qu")) or key in {"order", "axis"}}
        values.update(
            plan=plan,
            lead_institution=gad,
            lead_department=Institution.objects.get(slug=row["department"]),
            starts_on=plan_data.START,
            ends_on=plan_data.END,
            is_published=True,
            source_url=plan_data.OGP_COMMITMENT_URL.format(code=row["code"]),
        )
        commitment, created = create_missing(Commitment, {"code": row["code"]}, values, tally=tally, kind="commitments")
        if not created:
            continue  # its links, milestones and updates are the staff's now, whatever they hold
        links = [
            (commitment.ogp_values, OgpValue.objects.filter(code__in=row["values"])),
            (commitment.supporting_institutions, Institution.objects.filter(slug__in=row["supporters"])),
            (commitment.cantons, Canton.objects.filter(code__in=row["cantons"])),
        ]
        for manager, wanted in links:
            manager.set(wanted)
            tally.add("commitment links", created=True, count=len(wanted))
        _load_example_milestones(commitment)
        tally.add("milestones", created=True, count=len(plan_data.EXAMPLE_MILESTONES[commitment.code]))
        _load_example_indicators(commitment, tally=tally)
        tally.add("progress updates", created=True, count=len(plan_data.EXAMPLE_UPDATES[commitment.code]))
    return plan


def _load_example_milestones(commitment: Commitment) -> None:
    department = commitment.lead_department
    by_order = {}
    for order, weight, title_es, title_qu, start, due, progress, level, completed in plan_data.EXAMPLE_MILESTONES[
        commitment.code
    ]:
        by_order[order] = Milestone.objects.create(
            commitment=commitment,
            order=order,
            weight=weight,
            title_es=title_es,
            title_qu=title_qu,
            starts_on=start,
            due_on=due,
            progress=progress,
            level=level,
            completed_on=completed,
            responsible_institution=department,
            is_published=True,
            is_illustrative=True,
        )
    MilestoneProgress.objects.bulk_create(
        MilestoneProgress(
            milestone=by_order[order],
            observed_on=day,
            progress=progress,
            level=IrmLevel.for_progress(progress),
            source=ProgressSource.LOADED,
            is_illustrative=True,
        )
        for order, history in plan_data.EXAMPLE_PROGRESS.get(commitment.code, {}).items()
        for day, progress in history
    )
    for order, day, progress, title_es, title_qu, text_es, text_qu in plan_data.EXAMPLE_UPDATES[commitment.code]:
        update = ProgressUpdate.objects.create(
            commitment=commitment,
            milestone=by_order.get(order),
            occurred_on=day,
            progress=progress,
            title_es=title_es,
            title_qu=title_qu,
            text_es=text_es,
            text_qu=text_qu,
            is_published=True,
            is_illustrative=True,
        )
        services.update_progress_record(update=update)
    for milestone in by_order.values():
        services.milestone_progress_refresh(milestone=milestone)


def _load_example_indicators(commitment: Commitment, *, tally: LoadTally) -> None:
    """The commitment's illustrative indicators and their values (plan_data.EXAMPLE_INDICATORS), published and
    flagged as example data, through the services staff use (the indicator names the source of its values)."""
    for row in plan_data.EXAMPLE_INDICATORS.get(commitment.code, []):
        fields = {key: value for key, value in row.items() if key != "values"}
        indicator = services.indicator_save(
            indicator=Indicator(commitment=commitment, **fields, is_published=True, is_illustrative=True), new=True
        )
        for day, number, group in row["values"]:
            services.indicator_value_save(
                value=IndicatorValue(
                    indicator=indicator,
                    observed_on=day,
                    value=number,
                    group=group,
                    is_published=True,
                    is_illustrative=True,
                ),
                by=None,
                source=ProgressSource.LOADED,
                new=True,
            )
        tally.add("indicators", created=True)
        tally.add("indicator values", created=True, count=len(row["values"]))


def synthetic_prefix(size: int) -> str:
    """Codes of the synthetic plan of `size` commitments: SY + the size in three letters (300 -> SYALO), so
    plans of different sizes can stand side by side."""
    letters, n = "", size
    for _ in range(3):
        n, r = divmod(n, 26)
        letters = chr(65 + r) + letters
    return "SY" + letters


@transaction.atomic
def synthetic_plan_load(*, commitments: int, seed: int = 2024, observations: int = 3) -> ActionPlan:
    """A synthetic plan of N commitments (about 5 milestones and 3 updates each) beside the real one, each
    milestone with a history of `observations` dated observations of its progress (the last one its current
    progress) and each commitment with its executed budget recorded once.

    Its codes start with SYN and its plan is flagged synthetic, so it never mixes into the real plan. Loading
    the same N again replaces it with the same rows.
    """
    if not 1 <= commitments <= 1000:
        raise ValueError("commitments must be between 1 and 1000")
    reference_data_load()
    rng = random.Random(seed)
    slug = f"sintetico-{commitments}"
    old = ActionPlan.objects.filter(slug=slug).first()
    if old:
        # A synthetic plan is rebuilt, not curated: withdraw its rows from publication (a bulk update, no signals)
        # so that the guard on published records (commitments.staff.guard_published_deletion) lets them go.
        ProgressUpdate.objects.filter(commitment__plan=old).update(is_published=False)
        Milestone.objects.filter(commitment__plan=old).update(is_published=False)
        Commitment.objects.filter(plan=old).update(is_published=False)
        ProgressUpdate.objects.filter(commitment__plan=old).delete()
        Milestone.objects.filter(commitment__plan=old).delete()
        Commitment.objects.filter(plan=old).delete()
        old.delete()
    plan = ActionPlan.objects.create(
        slug=slug,
        title_es=f"Plan sintético de {commitments} compromisos",
        title_qu=f"{commitments} ruraykunapak yuyay",
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 2, 28),
        is_synthetic=True,
    )
    gad = Institution.objects.get(slug=plan_data.GAD)
    departments = list(Institution.objects.filter(kind=Institution.Kind.PROVINCIAL_DEPARTMENT))
    values = list(OgpValue.objects.all())
    cantons = list(Canton.objects.all())
    axes = [choice.value for choice in Axis]
    prefix = synthetic_prefix(commitments)
    rows = [
        Commitment(
            code=f"{prefix}{i:04d}",
            plan=plan,
            order=i,
            title_es=f"Compromiso sintético {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}",
            title_qu=f"Rurana {i}",
            problem_es=" ".join(rng.choice(WORDS) for _ in range(60)),
            action_es=" ".join(rng.choice(WORDS) for _ in range(30)),
            axis=rng.choice(axes),
            lead_institution=gad,
            lead_department=rng.choice(departments),
            starts_on=date(2025, 1, 1),
            ends_on=date(2027, 2, 28),
            budget_planned=rng.randint(10, 500) * 1000,
            budget_executed=rng.randint(0, 10) * 1000,
            is_published=True,
        )
        for i in range(1, commitments + 1)
    ]
    created = Commitment.objects.bulk_create(rows)
    through_values = Commitment.ogp_values.through
    through_cantons = Commitment.cantons.through
    through_values.objects.bulk_create(
        [through_values(commitment_id=c.pk, ogpvalue_id=v.pk) for c in created for v in rng.sample(values, 2)]
    )
    canton_picks = {c.pk: rng.sample(cantons, 2) for c in created}
    through_cantons.objects.bulk_create(
        [through_cantons(commitment_id=c.pk, canton_id=k.pk) for c in created for k in canton_picks[c.pk]]
    )
    # bulk_create skips Commitment.save() and the m2m signals that keep the search text: fill it here.
    for c in created:
        c.search_text = search_text_for(c, supporters=[], cantons=canton_picks[c.pk])
    Commitment.objects.bulk_update(created, ["search_text"], batch_size=500)
    milestones, updates = [], []
    for c in created:
        for order in range(1, rng.randint(4, 6) + 1):
            start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 400))
            progress = rng.choice([0, 0, 15, 40, 60, 85, 100])
            level = IrmLevel.for_progress(progress)
            milestones.append(
                Milestone(
                    commitment=c,
                    order=order,
                    weight=rng.randint(1, 3),
                    title_es=f"Hito {order} de {c.code}",
                    starts_on=start,
                    due_on=start + timedelta(days=rng.randint(30, 300)),
                    progress=progress,
                    level=level,
                    completed_on=start + timedelta(days=20) if level == IrmLevel.COMPLETE else None,
                    responsible_institution=c.lead_department,
                    is_published=True,
                    is_illustrative=True,
                )
            )
        for n in range(3):
            updates.append(
                ProgressUpdate(
                    commitment=c,
                    occurred_on=date(2025, 3, 1) + timedelta(days=rng.randint(0, 600)),
                    title_es=f"Avance {n + 1} de {c.code}",
                    text_es=" ".join(rng.choice(WORDS) for _ in range(40)),
                    progress=rng.randint(0, 100),
                    is_published=True,
                    is_illustrative=True,
                )
            )
    for row in (*milestones, *updates):  # bulk_create skips KeepsSearchText.save()
        row.search_text = part_search_text(row)
    Milestone.objects.bulk_create(milestones, batch_size=1000)
    ProgressUpdate.objects.bulk_create(updates, batch_size=1000)
    MilestoneProgress.objects.bulk_create(
        (row for m in milestones for row in _synthetic_history(m, observations, rng)), batch_size=2000
    )
    BudgetExecution.objects.bulk_create(
        BudgetExecution(
            commitment=c, observed_on=date(2025, 6, 30), amount=c.budget_executed, source=ProgressSource.LOADED
        )
        for c in created
    )
    return plan


def _synthetic_history(milestone: Milestone, count: int, rng: random.Random):
    """`count` observations of a synthetic milestone, rising to its progress, a week or more apart from its
    start (the last is its current progress and level)."""
    progresses = sorted(rng.randint(0, milestone.progress) for _ in range(count - 1)) + [milestone.progress]
    for n, progress in enumerate(progresses):
        level = milestone.level if n == count - 1 else IrmLevel.for_progress(progress)
        yield MilestoneProgress(
            milestone=milestone,
            observed_on=milestone.starts_on + timedelta(days=7 * (n + 1)),
            progress=progress,
            level=level,
            source=ProgressSource.LOADED,
            is_illustrative=True,
        )


WORDS = (
    "vía puente agua bosque río comunidad parroquia feria productores kichwa shuar achuar asamblea portal datos "
    "mantenimiento lastrado asfalto vivero restauración emprendimiento capacitación cacao papa china turismo "
    "transparencia participación seguimiento informe presupuesto ñan yaku sacha llakta kawsay"
).split()
