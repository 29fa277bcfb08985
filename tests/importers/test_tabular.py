from __future__ import annotations

import pytest

from importers.errors import ImportFormatError
from importers.registry import parse_bytes
from importers.tabular import parse_tabular, split_authors
from tests.importers.files import fixture_bytes


def test_pubmed_csv_with_bom_and_crlf() -> None:
    result = parse_bytes(fixture_bytes("colrev__pubmed_csv.csv"))
    assert result.format == "csv"
    (reference,) = result.references
    assert (reference.title, reference.pmid, reference.pmcid) == (
        "Paper title",
        "11223344",
        "PMC1122334",
    )
    assert reference.doi == "10.1111/nature1111"
    assert reference.authors == ("Smith A", "Walter B")
    assert reference.year == 2021


def test_embase_cells_with_newlines_keep_row_lines() -> None:
    result = parse_bytes(fixture_bytes("asreview__embase_newpage.csv"))
    assert len(result.references) == 6
    lines = [n.line for n in result.notes]
    assert lines[0] == 2
    assert lines == sorted(lines)
    assert len(set(lines)) == 6
    assert result.references[0].authors == ("Liu R.", "Adler D.G")


def test_ieee_columns() -> None:
    result = parse_bytes(fixture_bytes("colrev__ieee_csv.csv"))
    first = result.references[0]
    assert first.authors == ("Joseph Rottman", "Erran Carmel", "Mary Lacity")
    assert first.journal == "Computer"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            "Article Title\tAuthor Full Names\tPublication Year\tDOI\tPubmed Id",
            "T\tDoe, J; Roe, R\t2020\t10.1000/x\t123",
        ),
        ("Title;Authors;Year;DOI;PMID", "T;Doe, J;2020;10.1000/x;123"),
        ("title,authors,year,doi,pmid", 'T,"Doe, J and Roe, R",2020,10.1000/x,123'),
    ],
    ids=["wos-tsv", "semicolon", "rayyan"],
)
def test_column_aliases_and_delimiters(header: str, row: str) -> None:
    (reference,) = parse_tabular(f"{header}\n{row}\n").references
    assert (reference.title, reference.year, reference.doi, reference.pmid) == (
        "T",
        2020,
        "10.1000/x",
        "123",
    )


def test_table_without_bibliographic_columns_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no title, abstract, DOI or PMID column"):
        parse_tabular("name,age\nAnn,3\n")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Doe J; Roe R", ("Doe J", "Roe R")),
        ("Lim SM, Shiau CWC, Cheng LJ.", ("Lim SM", "Shiau CWC", "Cheng LJ")),
        ("Doe, Jane", ("Doe, Jane",)),
        ("", ()),
        # Glued by EndNote-style exports: each seam is a general property of names.
        ("Ide N.Frogner B. K.LeRouge C. M.", ("Ide N.", "Frogner B. K.", "LeRouge C. M")),
        ("Vasquez K.O'Hara R. A.", ("Vasquez K.", "O'Hara R. A")),
        ("Brandt CMoreau NWKelly JM", ("Brandt C", "Moreau NW", "Kelly JM")),
        ("Tan Wei ZhengOkafor Chidi", ("Tan Wei Zheng", "Okafor Chidi")),
        # Too short to tell from a surname prefix such as "Le" or "Mac": left whole.
        ("Lou AiWang Bo", ("Lou AiWang Bo",)),
        ("Rossi Paolo; Dwan KerryD'Souza Anil", ("Rossi Paolo", "Dwan Kerry", "D'Souza Anil")),
        # Inner capitals of one surname stay.
        ("McIntyre A. M.", ("McIntyre A. M",)),
        ("FitzGerald G. A.; MacArthur D.", ("FitzGerald G. A.", "MacArthur D")),
        ("DeLuca P, LeBlanc Q", ("DeLuca P", "LeBlanc Q")),
        ("Smith J.R.R.", ("Smith J.R.R",)),
    ],
)
def test_split_authors(cell: str, expected: tuple[str, ...]) -> None:
    assert split_authors(cell) == expected


@pytest.mark.parametrize(
    "name", ["handmade__embase.csv", "handmade__embase_excel.csv"], ids=["csv", "excel"]
)
def test_embase_csv_with_search_query_preamble(name: str) -> None:
    # Hand-made in the layout of Embase's own CSV export: the query, a row of dashes, then the
    # header; the Excel variant is ";"-separated with a UTF-8 BOM. CRLF lines.
    result = parse_bytes(fixture_bytes(name))
    assert result.format == "csv"
    first, second = result.references
    assert first.title == "Lantern-light exposure and sleep in night-shift bakers"
    assert first.authors == ("Quill H.M.", "Okafor B")
    assert (first.doi, first.year) == ("10.5555/jioh.2019.0117", 2019)
    # Embase's "Source" cell is the whole citation: its parts go to their fields.
    assert (first.journal, first.volume, first.issue, first.pages) == (
        "Journal of Invented Occupational Health",
        "41",
        "2",
        "117-129",
    )
    assert second.title == "A second invented record"
    assert (second.journal, second.pages, second.pmid) == ("Invented Letters", "5-8", "30000002")
    # Rows keep their line numbers in the file; the skipped preamble is reported.
    assert [(n.record, n.line) for n in result.notes] == [(1, 4), (2, 5)]
    note = result.notes[0]
    assert note.outcome.value == "repaired"
    assert note.message.startswith("2 line(s) above the header row skipped (line 1: ")
    assert "SEARCH QUERY" in note.message


def test_embase_columns_for_journal_pages_pmid_and_language() -> None:
    # Hand-made in the layout of Embase's newer CSV: "Source" (the citation) comes before
    # "Source title"; pages in "First Page"/"Last Page"; the PMID in "Medline PMID".
    text = (
        '"Title","Author Names","Source","Source title","Publication Year","Volume","Issue",'
        '"First Page","Last Page","Article Language","Medline PMID"\n'
        '"Invented trial of lamplight","Quill H.M.","Invented J (2021) 3:1 (10-12)",'
        '"Invented J","2021","3","1","10","12","English","30000003"\n'
    )
    (reference,) = parse_tabular(text).references
    assert (reference.journal, reference.volume, reference.issue) == ("Invented J", "3", "1")
    assert (reference.pages, reference.pmid, reference.language) == ("10-12", "30000003", "English")


@pytest.mark.parametrize(
    "journal",
    ["Journal of Invented Studies (London)", "Invented Review (2020)", "Annals (1999) of Things"],
)
def test_a_journal_with_brackets_that_is_no_citation_is_kept(journal: str) -> None:
    text = f'"Title","Source"\n"An invented title","{journal}"\n'
    (reference,) = parse_tabular(text).references
    assert (reference.journal, reference.volume, reference.pages) == (journal, "", "")


def test_header_row_is_searched_only_for_a_title_column() -> None:
    # A preamble followed by a table without a title column is still refused.
    with pytest.raises(ImportFormatError, match="no reference records"):
        parse_bytes(b"Exported 2020\nname,age\nAnn,3\n")
