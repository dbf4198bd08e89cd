"""The participation fixtures (tests/participation.py)."""

from tests.participation import csrf_client, current_plan, fresh_cache  # noqa: F401 - fixtures
