from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Advisory board and reviews"

    def ready(self) -> None:
        from reviews import notifications, tasks

        notifications.queued.connect(tasks.queue_delivery, dispatch_uid="reviews-queue-delivery")
