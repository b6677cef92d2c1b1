"""What the write side announces, for the apps built on it to act on (connected in their ``ready()``)."""

from django.dispatch import Signal

# Sent inside the approval's transaction, once a new current ``publication`` exists (and the
# one it replaces, if any, is superseded). The read side renders its stored documents then.
publication_made = Signal()

# Sent inside the change's transaction when a library source's printed reference changed:
# ``source``, ``changes`` ({field: [old, new]}), ``by`` (the user), ``history`` (the source's
# history row of the change) and ``articles`` (every article citing it, already re-hashed and
# locked). The review side voids sign-offs on the old hash and tells reviewers and editors.
source_changed = Signal()
