from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The read side: public pages, the public API, the feed. It reads; it writes no domain row."""

    name = "public"
    verbose_name = "Public site and API"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from articles.signals import publication_made
        from public import caching, documents, freshness, tasks
        from public.purging import backends, changes, outbox

        caching.connect_signals()
        freshness.connect_signals()
        changes.connect_signals()
        outbox.queued.connect(tasks.queue_purge, dispatch_uid="public-queue-purge")
        setting_changed.connect(backends.forget_backends, dispatch_uid="public-purge-backends")
        publication_made.connect(documents.store_new_publication, dispatch_uid="public-store-documents")
        setting_changed.connect(documents.forget_formats, dispatch_uid="public-document-formats")
