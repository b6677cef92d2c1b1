"""What the write side announces, for the apps built on it to act on (connected in their ``ready()``)."""

from django.dispatch import Signal

# Sent inside the approval's transaction, once a new current ``publication`` exists (and the
# one it replaces, if any, is superseded). The read side renders its stored documents then.
publication_made = Signal()
