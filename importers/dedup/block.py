"""Blocking: candidate pairs from shared keys, so work grows with the records, never all pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from importers.dedup.keys import MatchKeys

# Characters of the squeezed title used for the prefix and suffix keys: long enough to be
# selective, short enough that a typo or a dropped subtitle at one end still meets.
_TITLE_KEY_CHARS = 32
_ABSTRACT_KEY_CHARS = 80


def blocking_keys(keys: MatchKeys) -> Iterator[tuple[str, ...]]:
    """Every key a record is filed under; two records are compared when they share one."""
    if keys.doi:
        yield ("doi", keys.doi)
    if keys.pmid:
        yield ("pmid", keys.pmid)
    squeezed = keys.title.replace(" ", "")
    if len(squeezed) >= 12:
        yield ("title-start", squeezed[:_TITLE_KEY_CHARS])
        yield ("title-end", squeezed[-_TITLE_KEY_CHARS:])
    if keys.first_author and keys.year and keys.first_page:
        yield ("author-year-page", keys.first_author, str(keys.year), keys.first_page)
    if keys.volume and keys.first_page:
        yield ("volume-page", keys.journal[:1], keys.volume, keys.first_page)
    if len(keys.abstract) >= _ABSTRACT_KEY_CHARS:
        yield ("abstract", keys.abstract[:_ABSTRACT_KEY_CHARS])


def candidate_pairs(records: Sequence[MatchKeys], *, max_block_size: int) -> list[tuple[int, int]]:
    """Sorted index pairs ``(i, j)``, ``i < j``, that share at least one blocking key.

    Blocks bigger than ``max_block_size`` are generic keys ("editorial", page 1 of volume 1)
    and are skipped rather than compared pairwise.
    """
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, keys in enumerate(records):
        for key in blocking_keys(keys):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > max_block_size:
            continue
        for position, left in enumerate(members):
            for right in members[position + 1 :]:
                pairs.add((left, right))
    return sorted(pairs)
