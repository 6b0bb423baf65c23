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


# Queries read as a website: an address with a scheme, a host with a dot (and a path), or a
# single word. Anything else ("24/7", "A/S", "acme:8080") is not looked for in domains,
# where the part before a slash or colon would match unrelated agencies.
_WEBSITE_LIKE = re.compile(r"[a-z][a-z0-9+.-]*://\S+|[\w-]+(\.[\w-]+)+(/\S*)?|[\w-]+", re.I)


def search_lookups(query: str) -> list[tuple[str, str]]:
    """What a search for ``query`` looks for, as (Agency lookup, value) pairs: an agency
    matches if it meets any of them.

    - The name as typed, in any case (so a name typed in part, "Acme Staffing Lim", or in
      another script, is found as it always was);
    - the name's normalised key, so that accents, punctuation and legal forms do not matter
      ("seleccion iberica" finds "Selección Ibérica S.L.");
    - the website's domain, when the query reads as a website or a single word ("acme",
      "www.acme.com/jobs").

    The keys are stored in lower case, so plain ``contains`` compares them; on PostgreSQL a
    trigram index serves each of the three (migration 0013).
    """
    query = query.strip()
    if not query:
        return []
    lookups = [("name__icontains", query)]
    name_key = normalise_name(query)
    # A key of single letters ("A/S" is "a s") would match across the words of most names.
    if any(len(word) > 1 for word in name_key.split()):
        lookups.append(("name_key__contains", name_key))
    if _WEBSITE_LIKE.fullmatch(query) and (domain := domain_from_website(query)):
        lookups.append(("domain__contains", domain))
    return lookups
