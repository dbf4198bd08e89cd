"""What the monitor checked stays as it saw it, and a value is measured after its indicator's baseline."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import IndicatorValue

from .test_indicators import make_indicator, make_value, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(commitment, monitor):
    value = make_value(make_indicator(commitment))
    verify(value, monitor)
    return value


@pytest.mark.parametrize(
    "change", [{"value": Decimal("70000")}, {"observed_on": date(2025, 7, 1)}, {"group": "Mujeres"}]
)
def test_a_checked_values_figure_date_and_group_are_refused_by_the_service(checked, planner, change):
    for name, new in change.items():
        setattr(checked, name, new)

    with pytest.raises(ValidationError):
        services.indicator_value_save(value=checked, by=planner)

    assert IndicatorValue.objects.get(pk=checked.pk).value == Decimal("61800")


def test_its_source_and_note_may_still_be_completed(checked, planner):
    checked.note_es = "Acta de entrega del vivero."
    services.indicator_value_save(value=checked, by=planner)

    assert IndicatorValue.objects.get(pk=checked.pk).note_es == "Acta de entrega del vivero."


def test_the_admin_shows_a_checked_figure_read_only_and_a_forged_post_changes_nothing(checked, planner_client):
    url = f"/es/admin/commitments/indicatorvalue/{checked.pk}/change/"
    page = planner_client.get(url).content.decode()

    assert 'name="value"' not in page and 'name="observed_on"' not in page
    planner_client.post(url, {"value": "99999", "observed_on": "2025-06-30", "is_published": "on"})
    assert IndicatorValue.objects.get(pk=checked.pk).value == Decimal("61800")


def test_a_value_before_the_baseline_is_refused(commitment):
    indicator = make_indicator(commitment, baseline_on=date(2026, 1, 1), target_on=date(2027, 2, 28))
    value = IndicatorValue(indicator=indicator, observed_on=date(2025, 12, 15), value=Decimal("1"))

    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    assert "observed_on" in refused.value.message_dict
