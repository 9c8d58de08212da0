from django.db import models
from django.utils.translation import gettext_lazy as _


class Seller(models.TextChoices):
    OWN = "own", _("Own sale")
    DEALER = "dealer", _("Dealer")
