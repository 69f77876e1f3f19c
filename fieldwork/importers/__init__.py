"""Workbook imports: workbook -> rows -> services, all or nothing (DOMAIN.md §10)."""
