"""The Content-Security-Policy middleware: django-csp's, with the site-wide policy built once.

django-csp builds the header from the settings again for every response (copying the settings
and each directive), a noticeable share of a public read. A response that no view gave a policy
of its own (django-csp's ``csp``, ``csp_update``, ``csp_replace``, ``csp_exempt``) and whose
request used no nonce gets exactly that header, built once for the settings in force; every other
response goes through django-csp unchanged.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What django-csp's decorators set on a response to change its policy.
_VIEW_POLICY_ATTRIBUTES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
# django-csp leaves Django's debug pages alone (they are all inline styles and scripts).
_DEBUG_STATUSES = (404, 500)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """``csp.middleware.CSPMiddleware`` with the header of plain responses built once."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built_for: dict | None = None
        self._site_policy = ""

    def _plain_policy(self) -> str | None:
        """The site-wide header, or None where django-csp must decide (report-only, exclusions)."""
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if (
            not config
            or config.get("EXCLUDE_URL_PREFIXES")
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        ):
            return None
        if config is not self._built_for:  # built again when a test overrides the setting
            self._site_policy, self._built_for = build_policy(), config
        return self._site_policy

    def process_response(self, request, response):
        policy = self._plain_policy()
        if (
            policy is None
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _VIEW_POLICY_ATTRIBUTES)
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in _DEBUG_STATUSES:
            return response
        if HEADER not in response:
            response[HEADER] = policy
        # As django-csp: a nonce asked for after the header is written is an error, not a no-op.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
