"""The editorial web app's views, one module per role's work.

Every POST that changes an article calls ``reviews.workflow`` (or ``articles.services`` for
content); the views only handle forms, messages, redirects and htmx fragments. Refusals are
readable pages: 403 (``PermissionDenied``), 404 (not visible to the user) and 409 (the state or
a concurrent change forbids the step).
"""
