from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Advisory board and reviews"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from articles.signals import source_changed
        from reviews import notifications, source_changes, tasks, tokens

        notifications.queued.connect(tasks.queue_delivery, dispatch_uid="reviews-queue-delivery")
        # A new password or a deactivated account ends every API token of the user.
        pre_save.connect(
            tokens.revoke_on_credential_change,
            sender=get_user_model(),
            dispatch_uid="reviews-revoke-tokens-on-credential-change",
        )
        # An editor's change to a cited source voids the sign-offs on the old content.
        source_changed.connect(source_changes.on_source_changed, dispatch_uid="reviews-source-changed")
