"""What the fake E-utilities server knows: recorded answers and synthesised result sets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eutils"

ESEARCH_PROLOG = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n'
    b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
EFETCH_PROLOG = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
)
_ARTICLE = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.DOTALL)
_PMID = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")
_PUB_DATE = re.compile(rb"<PubDate>.*?</PubDate>", re.DOTALL)
_TITLE = re.compile(rb"<ArticleTitle>.*?</ArticleTitle>", re.DOTALL)

# Real recordings replayed verbatim for these queries (file names under tests/fixtures/eutils).
RECORDED_SEARCHES = {
    "science[journal] AND breast cancer AND 2008[pdat]": (
        "hawc__TestPubMedSearch.test_changes_from_previous_search__01_esearch.xml"
    ),
    "burritos school lunch gastrointestinal": (
        "hawc__TestSearch.test_delete_old_references__01_esearch.xml"
    ),
    "abcXYZ": "biopython__esearch8.xml",
}
RECORDED_FETCHES = (
    "hawc__TestPubMedFetch.test_standard_query__00_efetch.xml",
    "hawc__TestSearch.test_delete_old_references__02_efetch.xml",
    "hawc__TestPubMedFetch.test_doi__00_efetch.xml",
)
TEMPLATE_FETCH = "hawc__TestPubMedFetch.test_doi__00_efetch.xml"


@dataclass(frozen=True, slots=True)
class FakeRecord:
    """A synthetic PubMed record: its PMID and every publication date it is indexed under."""

    pmid: str
    dates: tuple[date, ...]

    def published_within(self, start: date, end: date) -> bool:
        return any(start <= day <= end for day in self.dates)


def recorded_articles(directory: Path = FIXTURES) -> dict[str, bytes]:
    """PMID -> the verbatim ``<PubmedArticle>`` element of every recorded efetch answer."""
    articles: dict[str, bytes] = {}
    for name in RECORDED_FETCHES:
        for match in _ARTICLE.finditer((directory / name).read_bytes()):
            pmid = _PMID.search(match.group(0))
            if pmid:
                articles[pmid.group(1).decode()] = match.group(0)
    return articles


class ArticleTemplate:
    """Builds synthetic ``<PubmedArticle>`` elements from one recorded article."""

    def __init__(self, directory: Path = FIXTURES) -> None:
        body = (directory / TEMPLATE_FETCH).read_bytes()
        match = _ARTICLE.search(body)
        pmid = _PMID.search(body)
        if match is None or pmid is None:
            raise ValueError(f"{TEMPLATE_FETCH} holds no PubmedArticle")
        self._article = match.group(0)
        self._pmid = pmid.group(1)

    def render(self, record: FakeRecord) -> bytes:
        first = record.dates[0]
        pub_date = f"<PubDate><Year>{first.year}</Year><Month>{first.month:02d}</Month>"
        pub_date += f"<Day>{first.day:02d}</Day></PubDate>"
        title = f"<ArticleTitle>Synthetic record {record.pmid}.</ArticleTitle>"
        article = self._article.replace(self._pmid, record.pmid.encode())
        article = _PUB_DATE.sub(pub_date.encode(), article, count=1)
        return _TITLE.sub(title.encode(), article, count=1)


def synthetic_records(
    count: int,
    *,
    start: date = date(2015, 1, 1),
    span_days: int = 3 * 365,
    dual_date_every: int = 7,
    pmid_base: int = 50_000_000,
) -> list[FakeRecord]:
    """*count* records spread evenly over *span_days*; every *dual_date_every*-th one also
    carries a print date 200 days after its electronic one, as PubMed's [dp] does, so it
    falls into two date slices."""
    records = []
    for index in range(count):
        day = start + timedelta(days=index * span_days // max(count, 1))
        dates = (day, day + timedelta(days=200)) if index % dual_date_every == 0 else (day,)
        records.append(FakeRecord(str(pmid_base + index), dates))
    return records


def esearch_body(
    term: str, count: int, ids: list[str], retstart: int, *, webenv: str | None
) -> bytes:
    """An eSearchResult shaped like NCBI's."""
    history = f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv>" if webenv else ""
    id_list = "".join(f"<Id>{pmid}</Id>\n" for pmid in ids)
    xml = (
        f"<eSearchResult><Count>{count}</Count><RetMax>{len(ids)}</RetMax>"
        f"<RetStart>{retstart}</RetStart>{history}<IdList>\n{id_list}</IdList>"
        f"<TranslationSet/><QueryTranslation>{escape(term)}</QueryTranslation></eSearchResult>"
    )
    return ESEARCH_PROLOG + xml.encode()


def error_body(root: str, message: str) -> bytes:
    """An ``<ERROR>`` answer as NCBI sends it with HTTP 200."""
    return ESEARCH_PROLOG.split(b"<!DOCTYPE")[0] + (
        f"<{root}>\n\t<ERROR>{escape(message)}</ERROR>\n</{root}>\n".encode()
    )
