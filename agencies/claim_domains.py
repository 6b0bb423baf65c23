"""Which e-mail addresses show that someone works at an agency (pure, no Django).

An address qualifies when its domain is the agency's website domain or a subdomain of it,
compared case-insensitively: ``jane@acme.com`` and ``jane@uk.acme.com`` both qualify for
``acme.com`` (agencies give offices their own subdomains), while ``jane@acme.com`` does not
qualify for an agency whose website is ``uk.acme.com``: the agency chose that narrower name,
and the parent may belong to someone else. Shared domains (public webmail, free site
builders, social networks) never qualify, on either side: anyone can have an address there.
"""

from typing import Literal

from reviews.risk import email_domain

# Domains where anyone can get an address or a page: an address there says nothing about who
# someone works for, and an agency whose "website" is a page there (a LinkedIn company page,
# a free site) cannot be claimed by address at all. Country variants of the large providers
# are listed one by one: a wildcard ("yahoo.*") would also catch unrelated companies.
SHARED_DOMAINS = frozenset(
    {
        # Webmail
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.es",
        "yahoo.fr",
        "yahoo.de",
        "yahoo.it",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.es",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.it",
        "outlook.com",
        "outlook.es",
        "outlook.fr",
        "live.com",
        "live.co.uk",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "gmx.es",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "zoho.com",
        "tutanota.com",
        "tuta.io",
        "fastmail.com",
        "hey.com",
        "qq.com",
        "163.com",
        "126.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "btinternet.com",
        "telefonica.net",
        # Pages anyone can open
        "linkedin.com",
        "facebook.com",
        "instagram.com",
        "x.com",
        "twitter.com",
        "google.com",
        "wixsite.com",
        "wordpress.com",
        "blogspot.com",
        "squarespace.com",
        "github.io",
    }
)

Match = Literal["exact", "subdomain"]


def is_shared_domain(domain: str) -> bool:
    """True when ``domain`` is, or is under, a domain where anyone can have an address."""
    labels = domain.lower().strip(".").split(".")
    return any(".".join(labels[start:]) in SHARED_DOMAINS for start in range(len(labels)))


def domain_match(email: str, agency_domain: str) -> Match | None:
    """How ``email`` is on ``agency_domain``: "exact", "subdomain", or None when it is not.

    Shared domains never match, on either side.
    """
    domain, agency_domain = email_domain(email), agency_domain.lower().strip(".")
    if not domain or not agency_domain or is_shared_domain(agency_domain):
        return None
    if domain == agency_domain:
        return "exact"
    if domain.endswith(f".{agency_domain}") and not is_shared_domain(domain):
        return "subdomain"
    return None
