"""People who use AgencyRank: one account whatever the roles it holds."""

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Accounts are identified by e-mail; there is no username."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """An account. A candidate today may be a hiring manager tomorrow: roles are not types."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    is_suspended = models.BooleanField(
        _("suspended"),
        default=False,
        help_text=_("Set by moderators; a suspended account's engagements do not count."),
    )
    excluded_from_scores = models.BooleanField(
        _("excluded from scores"),
        default=False,
        help_text=_("Set by moderators when an account's logs are not genuine."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # E-mail addresses are compared case-insensitively everywhere (allauth does too).
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email
