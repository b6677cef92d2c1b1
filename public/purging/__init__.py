"""Purging what a CDN or proxy keeps of the public site: the keys (``keys``), which change makes
which stale (``changes``), the outbox that sends them (``outbox``) and where (``backends``)."""
