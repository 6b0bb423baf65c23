"""Agency matching keys ignore case, accents, punctuation and legal forms."""

import pytest

from agencies.matching import domain_from_website, normalise_name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme Talent Ltd.", "acme talent"),
        ("ACME TALENT", "acme talent"),
        ("Selección Ibérica, S.L.", "seleccion iberica"),
        ("Hays plc", "hays"),
        ("Talento Lusitano, Lda.", "talento lusitano"),
        ("Werving B.V.", "werving"),
        ("Reclutamiento Andino S.R.L.", "reclutamiento andino"),
        ("Group", "group"),
        ("  ", ""),
    ],
)
def test_names_normalise_to_one_key(name, key):
    assert normalise_name(name) == key


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Acme.com/jobs?x=1", "acme.com"),
        ("acme.co.uk", "acme.co.uk"),
        ("http://careers.acme.com.", "careers.acme.com"),
        ("", ""),
        ("http://[::1", ""),
    ],
)
def test_websites_reduce_to_their_host(website, domain):
    assert domain_from_website(website) == domain
