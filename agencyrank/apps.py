from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyRankConfig(AppConfig):
    name = "agencyrank"
    verbose_name = _("AgencyRank")
