"""Keys that tell two spellings of one agency apart from two agencies (pure, no Django).

Agencies are matched by website domain first, then by normalised name; both keys are
stored on the agency so the match is one indexed lookup.
"""

import re
import unicodedata
from urllib.parse import urlsplit

# Legal-form words that say nothing about which agency it is ("Acme Ltd" is "Acme").
LEGAL_SUFFIXES = frozenset(
    {"ltd", "limited", "llc", "llp", "inc", "plc", "gmbh", "ag", "kg", "sl", "sa", "slu", "sau"}
    | {"sas", "sarl", "bv", "nv", "srl", "spa", "lda", "ltda", "co", "corp", "company", "group"}
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """``text`` without combining marks: "Selección" becomes "Seleccion"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_name(name: str) -> str:
    """A case-, accent- and punctuation-insensitive key for an agency name."""
    # Dots join abbreviations ("S.L." is "SL") rather than separate words.
    words = _NOT_WORD.split(strip_accents(name).casefold().replace(".", ""))
    kept = [w for w in words if w]
    while len(kept) > 1 and kept[-1] in LEGAL_SUFFIXES:
        kept.pop()
    return " ".join(kept)


def domain_from_website(website: str) -> str:
    """The registrable-looking host of a website ("https://www.Acme.com/x" → "acme.com")."""
    website = website.strip()
    if not website:
        return ""
    if "://" not in website:
        website = f"http://{website}"
    try:
        host = urlsplit(website).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def search_lookups(query: str) -> list[tuple[str, str]]:
    """What a search for ``query`` looks for, as (Agency lookup, value) pairs: an agency
    matches if it meets any of them.

    The name through its normalised key, so case, accents, punctuation and legal forms do
    not matter ("seleccion iberica" finds "Selección Ibérica S.L."), or as typed in any case
    when nothing of the query survives normalising (a name in another script); and the
    website's domain, as the query reads as one ("acme", "www.acme.com"). Both keys are
    stored in lower case, so plain ``contains`` compares them; an index on each serves it.
    """
    query = query.strip()
    if not query:
        return []
    name_key = normalise_name(query)
    lookups = [("name_key__contains", name_key) if name_key else ("name__icontains", query)]
    if domain := domain_from_website(query):
        lookups.append(("domain__contains", domain))
    return lookups
