"""Every state change of the fieldwork domain goes through these modules (docs/style.md)."""
