"""Records that are written once and never changed or deleted through the ORM."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes: the rows are a record of what happened."""

    def update(self, **kwargs):
        raise ValidationError(
            _("%(model)s records are immutable.") % {"model": self.model._meta.verbose_name}
        )

    def delete(self):
        raise ValidationError(
            _("%(model)s records cannot be deleted.") % {"model": self.model._meta.verbose_name}
        )


class ImmutableModel(models.Model):
    """A model whose rows are written once and never changed or deleted through the ORM."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("%(model)s records are immutable.") % {"model": self._meta.verbose_name})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("%(model)s records cannot be deleted.") % {"model": self._meta.verbose_name})

