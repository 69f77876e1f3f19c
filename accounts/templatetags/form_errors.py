"""{% error_summary form %}: what is wrong with a submitted form, at its top, each field's message
linked to the field (#id); static/js/forms.js focuses and scrolls to the first error when the page
comes back (docs/rules.md "A year in the life"). Every crispy form gets it through
templates/bootstrap5/errors.html; forms laid out field by field include it themselves."""

from django import template

register = template.Library()


def summary_items(form) -> list[dict]:
    """(anchor, label, message) of every error: the form's own first, then each field's in the
    form's order; a hidden field's has no anchor (nothing to focus)."""
    items = [{"anchor": "", "label": "", "message": m} for m in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            if field.is_hidden:  # nothing to show or focus (a version number): the message alone
                items.append({"anchor": "", "label": "", "message": message})
            else:
                items.append({"anchor": field.id_for_label or "", "label": field.label or "", "message": message})
    return items


@register.inclusion_tag("_error_summary.html")
def error_summary(form):
    items = summary_items(form) if form is not None and form.is_bound and form.errors else []
    return {"items": items, "count": len(items)}
