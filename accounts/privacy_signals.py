"""Signals of the personal-data services (docs/privacy.md): accounts cannot reach the data the other
apps keep about a person, so it says what happened and they act on their own data."""

from django.dispatch import Signal

# The person withdrew their consent to keep the time and place of their photos: delete them.
photo_evidence_withdrawn = Signal()  # kwargs: person
# The person was anonymized (retention or a request after leaving): free texts about them go.
person_anonymized = Signal()  # kwargs: person
