from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneymapConfig(AppConfig):
    name = "journeymap"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        # Sign-ins and failed sign-ins in the audit log (Django's auth signals).
        from journeymap import audit  # noqa: F401
