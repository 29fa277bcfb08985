"""efetch by POST in batches, yielding raw PubmedArticleSet XML with progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from importers.pubmed.transport import EutilsTransport
from importers.pubmed.xmlcheck import record_pmids

# NCBI suggests POST and batches of a few hundred ids; 400 keeps bodies near 2-4 MB.
DEFAULT_BATCH_SIZE = 400
MAX_BATCH_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class Progress:
    """How many of the listed PMIDs have been fetched so far."""

    done: int
    total: int


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class FetchedBatch:
    """One efetch answer: the raw XML, what was asked, and which PMIDs came back."""

    xml: bytes
    requested: tuple[str, ...]
    returned: tuple[str, ...]
    progress: Progress

    @property
    def missing(self) -> tuple[str, ...]:
        """Requested PMIDs PubMed sent no record for (deleted or withdrawn since the search)."""
        got = set(self.returned)
        return tuple(pmid for pmid in self.requested if pmid not in got)


def fetch_batches(
    transport: EutilsTransport,
    ids: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> Iterator[FetchedBatch]:
    """POST efetch for *ids* in batches of *batch_size*; report progress after each batch."""
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ValueError(f"batch_size must be between 1 and {MAX_BATCH_SIZE}")
    total = len(ids)
    for start in range(0, total, batch_size):
        requested = tuple(ids[start : start + batch_size])
        params = {"db": "pubmed", "id": ",".join(requested), "retmode": "xml"}
        body = transport.call("efetch.fcgi", params, expected_root="PubmedArticleSet", post=True)
        progress = Progress(done=start + len(requested), total=total)
        if on_progress is not None:
            on_progress(progress)
        yield FetchedBatch(body, requested, record_pmids(body), progress)
