"""The report tests' data set and builder serve the formula-injection checks too."""

from tests.reports.conftest import _fast_hasher, build, report_data, run_jobs  # noqa: F401
