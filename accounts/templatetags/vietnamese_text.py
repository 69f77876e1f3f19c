"""Template filters for Vietnamese text."""

from django import template

from accounts.vietnamese import nfc as _nfc

register = template.Library()


@register.filter
def nfc(value) -> str:
    """The text in Unicode NFC (precomposed): what users type is normalised on input; text from
    elsewhere (Django's own language names are decomposed, NFD) is normalised here on output."""
    return _nfc(str(value))
