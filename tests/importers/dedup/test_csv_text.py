"""The CSV text contract of ``winnow dedupe``, on hand-made rows."""

from __future__ import annotations

import csv
import io

import pytest

from importers.dedup import deduplicate
from importers.dedup.csv_text import (
    DedupCsvError,
    predictions_csv,
    references_from_dedup_csv,
    review_queue_csv,
)

HEADER = "id,title,authors,year,journal,volume,issue,pages,doi,abstract,entrytype,url\n"
ROWS = (
    'a1,Remote preconditioning in cardiac surgery patients,"Hausenloy D. J.Yellon D. M.",2015,'
    "Lancet,385,9,1408-17,http://dx.doi.org/10.1000/x1,,article,"
    "https://www.ncbi.nlm.nih.gov/pubmed/12345\n"
    'b2,REMOTE PRECONDITIONING IN CARDIAC SURGERY PATIENTS.,"Hausenloy, D. J. and Yellon, D. M.",'
    "2015,The Lancet,385,9,1408-1417,10.1000/X1,,article,\n"
    "c3,Statins in older adults,UNKNOWN,2001,BMJ,1,1,1-2,,,article,\n"
)


def test_rows_become_references_with_their_ids() -> None:
    rows = references_from_dedup_csv(HEADER + ROWS)
    assert [record_id for record_id, _ in rows] == ["a1", "b2", "c3"]
    first = rows[0][1]
    assert first.authors == ("Hausenloy D. J.", "Yellon D. M.")
    assert (first.year, first.pmid, first.record_number) == (2015, "12345", 1)
    assert rows[2][1].authors == ()


def test_predictions_name_the_kept_record_of_each_group() -> None:
    rows = references_from_dedup_csv(HEADER + ROWS)
    ids = [record_id for record_id, _ in rows]
    text = predictions_csv(ids, deduplicate([ref for _, ref in rows]))
    table = list(csv.DictReader(io.StringIO(text)))
    group = {row["id"]: row["group"] for row in table}
    assert group["a1"] == group["b2"] in {"a1", "b2"}
    assert group["c3"] == "c3"


def test_review_queue_lists_maybe_pairs_by_id() -> None:
    text = HEADER + ROWS.replace("10.1000/X1", "10.1000/other")
    rows = references_from_dedup_csv(text)
    ids = [record_id for record_id, _ in rows]
    result = deduplicate([ref for _, ref in rows])
    queue = list(csv.DictReader(io.StringIO(review_queue_csv(ids, result.maybe_pairs))))
    assert [(row["id_a"], row["id_b"], row["decision"]) for row in queue] == [("a1", "b2", "maybe")]
    assert queue[0]["reason"].startswith("different DOIs")


@pytest.mark.parametrize(
    "text", ["title,year\nx,2001\n", HEADER + "a,t,,,,,,,,,,\na,t,,,,,,,,,,\n"]
)
def test_missing_or_repeated_ids_are_rejected(text: str) -> None:
    with pytest.raises(DedupCsvError):
        references_from_dedup_csv(text)
