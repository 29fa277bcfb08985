"""PubMed XML (efetch ``retmode=xml``): articles, books and chapters, inline markup and MathML."""

from __future__ import annotations

from xml.etree.ElementTree import Element, tostring

from importers.assemble import ResultCollector, reference_type
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    clean_text,
    extract_year,
    format_pages,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    normalize_pmid,
)
from importers.xmlsafe import element_text, local_name, parse_xml, record_start_lines

FORMAT = "pubmed-xml"
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


def parse_pubmed_xml(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse a PubmedArticleSet (or a bare PubmedArticle/PubmedBookArticle) into references."""
    root = parse_xml(text, what="PubMed XML")
    records = [root] if local_name(root) in _RECORD_TAGS else _children(root, _RECORD_TAGS)
    lines = record_start_lines(text, _RECORD_TAGS)
    collector = ResultCollector(FORMAT)
    for number, element in enumerate(records, start=1):
        line = lines[number - 1] if number <= len(lines) else 0
        if local_name(element) == "PubmedBookArticle":
            reference = _book_reference(element, number, line)
        else:
            reference = _article_reference(element, number, line)
        collector.add(reference)
    return collector.result(encoding)


def _children(root: Element, tags: tuple[str, ...]) -> list[Element]:
    return [child for child in root if local_name(child) in tags]


def _article_reference(element: Element, number: int, line: int) -> Reference:
    citation = element.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    journal = article.find("Journal") if article is not None else None
    ids = _article_ids(element)
    pub_date = journal.find("JournalIssue/PubDate") if journal is not None else None
    title = element_text(_find(article, "ArticleTitle")) or element_text(
        _find(article, "VernacularTitle")
    )
    return Reference(
        title=title,
        abstract=_abstract(_find(article, "Abstract")),
        authors=_authors(_find(article, "AuthorList")),
        year=_year(pub_date) or extract_year(element_text(_find(article, "ArticleDate/Year"))),
        journal=element_text(_find(journal, "Title"))
        or element_text(_find(journal, "ISOAbbreviation")),
        volume=element_text(_find(journal, "JournalIssue/Volume")),
        issue=element_text(_find(journal, "JournalIssue/Issue")),
        pages=_pages(_find(article, "Pagination")),
        doi=ids.get("doi") or _elocation_doi(article),
        pmid=normalize_pmid(element_text(_find(citation, "PMID"))) or ids.get("pubmed"),
        pmcid=ids.get("pmc"),
        issn=normalize_issn(element_text(_find(journal, "ISSN"))),
        keywords=_keywords(citation),
        type=_publication_type(article),
        language=element_text(_find(article, "Language")),
        raw=tostring(element, encoding="unicode"),
        record_number=number,
        line=line,
    )


def _book_reference(element: Element, number: int, line: int) -> Reference:
    document = element.find("BookDocument")
    book = document.find("Book") if document is not None else None
    ids = _article_ids(element)
    chapter = element_text(_find(document, "ArticleTitle"))
    book_title = element_text(_find(book, "BookTitle"))
    authors = _authors(_find(document, "AuthorList")) or _authors(_find(book, "AuthorList"))
    return Reference(
        title=chapter or book_title,
        abstract=_abstract(_find(document, "Abstract")),
        authors=authors,
        year=_year(_find(book, "PubDate")),
        journal=book_title if chapter else "",
        volume=element_text(_find(book, "Volume")),
        pages=_pages(_find(document, "Pagination")),
        doi=ids.get("doi") or _elocation_doi(document),
        pmid=normalize_pmid(element_text(_find(document, "PMID"))) or ids.get("pubmed"),
        pmcid=ids.get("pmc"),
        isbn=normalize_isbn(element_text(_find(book, "Isbn"))),
        keywords=tuple(element_text(k) for k in document.iter("Keyword"))
        if document is not None
        else (),
        type=ReferenceType.BOOK_CHAPTER if chapter else ReferenceType.BOOK,
        language=element_text(_find(document, "Language")),
        raw=tostring(element, encoding="unicode"),
        record_number=number,
        line=line,
    )


def _find(element: Element | None, path: str) -> Element | None:
    return element.find(path) if element is not None else None


def _abstract(abstract: Element | None) -> str:
    """Sections as paragraphs; a labelled section reads "LABEL: text"."""
    if abstract is None:
        return ""
    paragraphs = []
    for section in abstract.findall("AbstractText"):
        text = element_text(section)
        label = (section.get("Label") or "").strip()
        if text:
            paragraphs.append(f"{label}: {text}" if label else text)
    return "\n".join(paragraphs)


def _authors(author_list: Element | None) -> tuple[str, ...]:
    if author_list is None:
        return ()
    names = []
    for author in author_list.findall("Author"):
        collective = element_text(author.find("CollectiveName"))
        last = element_text(author.find("LastName"))
        first = element_text(author.find("ForeName")) or element_text(author.find("Initials"))
        suffix = element_text(author.find("Suffix"))
        if last:
            given = " ".join(part for part in (first, suffix) if part)
            names.append(f"{last}, {given}" if given else last)
        elif collective:
            names.append(clean_text(collective))
    return tuple(names)


def _year(date: Element | None) -> int | None:
    if date is None:
        return None
    return extract_year(element_text(date.find("Year")), element_text(date.find("MedlineDate")))


def _pages(pagination: Element | None) -> str:
    if pagination is None:
        return ""
    medline = element_text(pagination.find("MedlinePgn"))
    if medline:
        return format_pages(medline)
    return format_pages(
        element_text(pagination.find("StartPage")), element_text(pagination.find("EndPage"))
    )


def _article_ids(element: Element) -> dict[str, str]:
    """doi/pmc/pubmed from the record's own ArticleIdLists (not those of cited references)."""
    found: dict[str, str] = {}
    for article_id in (
        *element.findall("PubmedData/ArticleIdList/ArticleId"),
        *element.findall("PubmedBookData/ArticleIdList/ArticleId"),
        *element.findall("BookDocument/ArticleIdList/ArticleId"),
    ):
        kind = (article_id.get("IdType") or "").lower()
        value = element_text(article_id)
        normalised = {
            "doi": normalize_doi,
            "pmc": normalize_pmcid,
            "pubmed": normalize_pmid,
        }.get(kind, lambda _: None)(value)
        if normalised and kind not in found:
            found[kind] = normalised
    return found


def _elocation_doi(article: Element | None) -> str | None:
    if article is None:
        return None
    for location in article.findall("ELocationID"):
        if (location.get("EIdType") or "").lower() == "doi":
            return normalize_doi(element_text(location))
    return None


def _keywords(citation: Element | None) -> tuple[str, ...]:
    if citation is None:
        return ()
    words = [element_text(k) for k in citation.findall("KeywordList/Keyword")]
    words += [
        element_text(d) for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")
    ]
    return tuple(dict.fromkeys(w for w in words if w))


def _publication_type(article: Element | None) -> ReferenceType:
    labels = [element_text(p) for p in _find_all(article, "PublicationTypeList/PublicationType")]
    kinds = [reference_type(label) for label in labels]
    return next((k for k in kinds if k is not ReferenceType.OTHER), ReferenceType.JOURNAL_ARTICLE)


def _find_all(element: Element | None, path: str) -> list[Element]:
    return element.findall(path) if element is not None else []
