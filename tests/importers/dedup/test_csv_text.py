"""The CSV text contract of ``winnow dedupe``, on hand-made rows."""

from __future__ import annotations

import csv
import io

import pytest

from importers.dedup import deduplicate
from importers.dedup.csv_text import (
    DedupCsvError,
    predictions_csv,
    read_dedup_csv,
    review_queue_csv,
)
from importers.tabular import parse_tabular

HEADER = "id,title,authors,year,journal,volume,issue,pages,doi,abstract,entrytype,url\n"
ROWS = (
    'a1,Cold-water immersion in recreational runners,"Halvorsen K. T.Mbeki A.",2016,'
    "J Exerc Recovery Stud,48,7,1311-20,http://dx.doi.org/10.5555/x1,,article,"
    "https://www.ncbi.nlm.nih.gov/pubmed/12345\n"
    'b2,COLD-WATER IMMERSION IN RECREATIONAL RUNNERS.,"Halvorsen, K. T. and Mbeki, A.",'
    "2016,Journal of Exercise Recovery Studies,48,7,1311-1320,10.5555/X1,,article,\n"
    "c3,Statins in older adults,UNKNOWN,2001,BMJ,1,1,1-2,,,article,\n"
)


def test_rows_become_references_as_the_service_importer_reads_them() -> None:
    rows = read_dedup_csv(HEADER + ROWS)
    assert rows.ids == ("a1", "b2", "c3")
    assert rows.references == parse_tabular(HEADER + ROWS).references
    first = rows.references[0]
    assert first.authors == ("Halvorsen K. T.", "Mbeki A")
    assert (first.year, first.doi, first.record_number) == (2016, "10.5555/x1", 1)


def test_predictions_name_the_kept_record_of_each_group() -> None:
    rows = read_dedup_csv(HEADER + ROWS)
    text = predictions_csv(rows.ids, deduplicate(rows.references), rows.positions)
    group = {row["id"]: row["group"] for row in csv.DictReader(io.StringIO(text))}
    assert group["a1"] == group["b2"] in {"a1", "b2"}
    assert group["c3"] == "c3"


def test_rows_without_content_keep_their_id_as_their_own_group() -> None:
    rows = read_dedup_csv(HEADER + ROWS + "d4,,,2001,,,,,,,article,\n")
    assert rows.ids[-1] == "d4"
    assert [note.record for note in rows.rejected] == [4]
    text = predictions_csv(rows.ids, deduplicate(rows.references), rows.positions)
    assert text.splitlines()[-1] == "d4,d4"


def test_review_queue_lists_maybe_pairs_by_id() -> None:
    rows = read_dedup_csv(HEADER + ROWS.replace("10.5555/X1", "10.5555/other"))
    result = deduplicate(rows.references)
    queue_text = review_queue_csv(rows.ids, result.maybe_pairs, rows.positions)
    queue = list(csv.DictReader(io.StringIO(queue_text)))
    assert [(row["id_a"], row["id_b"], row["decision"]) for row in queue] == [("a1", "b2", "maybe")]
    assert queue[0]["reason"].startswith("different DOIs")


@pytest.mark.parametrize(
    "text",
    [
        "title,year\nx,2001\n",
        HEADER + "a,t,,,,,,,,,,\na,t,,,,,,,,,,\n",
        HEADER + ",t,,,,,,,,,,\n",
    ],
)
def test_missing_or_repeated_ids_are_rejected(text: str) -> None:
    with pytest.raises(DedupCsvError):
        read_dedup_csv(text)
