from tests.reports.conftest import _fast_hasher, report_data  # noqa: F401 - shared fixtures
