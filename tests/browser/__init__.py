"""Browser tests: Playwright driving Debian's Chromium against the live server."""

# tests.factories.UserFactory gives every user this password.
PASSWORD = "pass-word-123"
