"""Workbook imports: workbook -> rows -> services, all or nothing (docs/domain.md §10)."""
