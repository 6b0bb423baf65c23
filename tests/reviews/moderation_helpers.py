"""Builders shared by the moderation tests."""

import datetime

from django.utils import timezone

from accounts.models import User
from reviews.moderation import moderator_grant
from tests.factories import make_staff, make_user


def make_moderator(**fields) -> User:
    """A staff account in the "Moderators" group, with the authenticator staff pages need."""
    user = make_staff(**fields)
    moderator_grant(user=user)
    return user


def make_old_user(*, days: int = 400, **fields) -> User:
    """An account opened ``days`` ago, verified unless told otherwise."""
    user = make_user(**fields)
    User.objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=days)
    )
    user.refresh_from_db()
    return user
