"""Template tags for what search engines read: ``{% canonical_url %}``."""

from django import template

from agencyrank.seo import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's canonical address: the view's ``canonical_url``, else SITE_URL + its path.

    A view whose query string selects what is shown (filters, the agencies compared) passes
    ``canonical_url`` built with ``agencyrank.seo.absolute_url``; other pages drop the query.
    """
    if url := context.get("canonical_url"):
        return url
    request = context.get("request")
    return absolute_url(request.path) if request is not None else ""
