"""``{% per_language %}``: markup that depends on nothing but the code and the language.

The site's header, footer and table headings are the same for every visitor who reads a
given language, yet rendering their translate, url and static tags cost a cold page about
half a millisecond on every request. A fragment wrapped in ``{% per_language %}`` is rendered
once per language per process and then reused::

    {% load fragments %}
    {% per_language %}<a href="{% url 'home' %}">{% translate "Home" %}</a>{% end_per_language %}

The fragment is rendered with an empty context, so it cannot show anything that differs
between requests: a variable used inside it renders as nothing, in tests as well as in
production, and a mistake shows at once instead of leaking one visitor's data to another.
Nothing here holds data: a changed score never needs this output to be thrown away.
"""

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()


class PerLanguageNode(template.Node):
    """Renders its nodelist once per active language, with no context."""

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context: template.Context) -> str:
        # The language, and what {% url %} builds addresses from (the script prefix and the
        # URL configuration, which a deployment under a path or a test may change).
        key = (get_language(), get_script_prefix(), get_urlconf())
        try:
            return self.rendered[key]
        except KeyError:
            # Two threads may render the same fragment at once; both get the same markup.
            # context.new(): the same template and settings, none of the values. The output
            # is a SafeString, as any rendered nodelist is.
            output = self.nodelist.render(context.new())
            self.rendered[key] = output
            return output


@register.tag
def per_language(parser, token) -> PerLanguageNode:
    """``{% per_language %}...{% end_per_language %}``: see the module's docstring."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("per_language takes no arguments")
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist)
