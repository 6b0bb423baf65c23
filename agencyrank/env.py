"""Read typed settings from the environment, failing loudly on a bad value.

Every helper names the variable in its error, so a typo in a deployment's
environment stops the process at start with a message an operator can act on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class Env:
    """Typed access to one environment mapping (``os.environ`` unless given)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        """The variable's value with surrounding blanks removed, or None when unset."""
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def str(self, name: str, default: str) -> str:
        """The variable as text; the default when unset or empty."""
        value = self.raw(name)
        return value if value else default

    def bool(self, name: str, default: bool) -> bool:
        """The variable as a yes/no switch (1/0, true/false, yes/no, on/off)."""
        value = self.raw(name)
        if value is None:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{name} must be one of true/false, yes/no, on/off or 1/0; got {value!r}."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        """The variable as a whole number, at least ``minimum`` when given."""
        value = self.raw(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        """The variable as a comma-separated list, blanks dropped."""
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: str, default: str, *, schemes: tuple[str, ...]) -> str:
        """The variable as a URL whose scheme is one of ``schemes``."""
        value = self.str(name, default)
        try:
            scheme = urlsplit(value).scheme
        except ValueError as error:
            raise ImproperlyConfigured(f"{name} is not a valid URL ({error}): {value!r}.") from None
        if scheme not in schemes:
            allowed = ", ".join(f"{s}://" for s in schemes)
            raise ImproperlyConfigured(f"{name} must start with one of {allowed}; got {value!r}.")
        return value


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
}


def mailer_from_url(name: str, url: str) -> dict:
    """A ``MAILERS`` entry from an e-mail URL such as ``smtp+tls://user:pass@host:587``."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a valid URL ({error}): {url!r}.") from None
    if parts.scheme not in EMAIL_BACKENDS:
        allowed = ", ".join(f"{s}://" for s in EMAIL_BACKENDS)
        raise ImproperlyConfigured(f"{name} must start with one of {allowed}; got {url!r}.")
    mailer: dict = {"BACKEND": EMAIL_BACKENDS[parts.scheme]}
    if not parts.scheme.startswith("smtp"):
        return mailer
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} must name an SMTP host, as in smtp://mail.example.com.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port: {url!r}.") from None
    options: dict = {"host": parts.hostname}
    if port:
        options["port"] = port
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    options["use_ssl"] = parts.scheme == "smtps"
    options["use_tls"] = parts.scheme == "smtp+tls"
    timeout = parse_qs(parts.query).get("timeout")
    if timeout:
        try:
            options["timeout"] = int(timeout[0])
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a non-numeric timeout: {url!r}.") from None
    mailer["OPTIONS"] = options
    return mailer
