from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from agencies.representative_session import remember_on_sign_in

        # The menu's "Your agency" link reads the session, not the database.
        user_logged_in.connect(remember_on_sign_in, dispatch_uid="agencies.remember_represented")
