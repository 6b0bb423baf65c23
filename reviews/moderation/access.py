"""Who moderates: staff holding ``reviews.moderate`` (the "Moderators" group), and superusers."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from reviews.models import ModerationAction

MODERATORS_GROUP = "Moderators"
MODERATE_PERMISSION = "reviews.moderate"


def is_moderator(user) -> bool:
    """True for an active superuser, or an active staff member holding ``reviews.moderate``."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.is_staff and user.has_perm(MODERATE_PERMISSION))


@transaction.atomic
def moderator_grant(*, user) -> None:
    """Make ``user`` a moderator: staff, and a member of the "Moderators" group.

    The group and its permission come from a migration; they are created again here if
    they were deleted since.
    """
    content_type = ContentType.objects.get_for_model(ModerationAction)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename="moderate",
        defaults={"name": "Can work the moderation queue"},
    )
    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(permission)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
