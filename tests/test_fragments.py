"""``{% per_language %}``: the header and footer rendered once per language, for everyone."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from tests.factories import make_user

FRAGMENT = Template(
    "{% load fragments i18n %}"
    '{% per_language %}<a href="{% url \'home\' %}">{% translate "Sign in" %}</a>'
    "[{{ visitor }}]{% end_per_language %}"
)


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Sign in"), ("es", "Iniciar sesión"), ("en", "Sign in")]
)
def test_a_fragment_is_in_the_language_being_read_each_time(language, text):
    with translation.override(language):
        assert FRAGMENT.render(Context()) == f'<a href="/">{text}</a>[]'


def test_what_differs_between_visitors_never_enters_a_fragment():
    # The first visitor's name must not be kept and shown to the next one: a fragment has
    # no context at all, so a variable wrongly put inside shows as nothing for everyone.
    with translation.override("en"):
        first = FRAGMENT.render(Context({"visitor": "Alice"}))
        second = FRAGMENT.render(Context({"visitor": "Bob"}))
    assert "Alice" not in first + second
    assert "Bob" not in first + second


def test_a_fragment_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% per_language now %}x{% end_per_language %}")


@pytest.mark.django_db
def test_the_header_follows_each_visitors_language_and_sign_in_state(client):
    client.cookies["django_language"] = "es"
    spanish = client.get("/how-we-verify/").content.decode()
    assert "Saltar al contenido" in spanish
    assert "Iniciar sesión" in spanish
    assert 'aria-current="true" class="current">Español' in spanish

    client.cookies["django_language"] = "en"
    english = client.get("/how-we-verify/").content.decode()
    assert "Skip to content" in english
    assert ">Sign in</a>" in english
    assert 'aria-current="true" class="current">English' in english
    assert "My agencies" not in english

    client.force_login(make_user(email="manager@example.com"))
    signed_in = client.get("/how-we-verify/").content.decode()
    assert "My agencies" in signed_in
    assert ">Sign in</a>" not in signed_in
    # The language switch still returns the visitor to the page they were reading.
    assert 'name="next" value="/how-we-verify/"' in signed_in


def test_a_site_served_under_a_path_gets_its_own_addresses_in_a_fragment():
    from django.urls import set_script_prefix

    with translation.override("en"):
        assert FRAGMENT.render(Context()).startswith('<a href="/">')
        set_script_prefix("/ranking-site/")
        try:
            assert FRAGMENT.render(Context()).startswith('<a href="/ranking-site/">')
        finally:
            set_script_prefix("/")
