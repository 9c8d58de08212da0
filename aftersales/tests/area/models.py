from django.db import models

from aftersales.core.models import TimeStampedModel


class Area(TimeStampedModel):
    """A sales area (test only: the table exists in the test database, without migrations)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=60)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
