"""Blocking: candidate pairs from shared keys, so work grows with the records, never all pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from importers.dedup.config import DedupConfig
from importers.dedup.keys import MatchKeys


def blocking_keys(keys: MatchKeys, config: DedupConfig) -> Iterator[tuple[str, ...]]:
    """Every key a record is filed under; two records are compared when they share one.

    Titles are filed by their start and by their end, so that a typo or a dropped subtitle at
    one end still meets the other record.
    """
    if keys.doi:
        yield ("doi", keys.doi)
    if keys.pmid:
        yield ("pmid", keys.pmid)
    squeezed = keys.title.replace(" ", "")
    title_chars = config.title_key_chars
    if len(squeezed) >= title_chars // 2:
        yield ("title-start", squeezed[:title_chars])
        yield ("title-end", squeezed[-title_chars:])
    if keys.first_author and keys.year and squeezed:
        # Short titles ("Editorial") file too many records together; with the first author
        # and the year they meet their own copies.
        yield ("author-year-title", keys.first_author, str(keys.year), squeezed[:title_chars])
    if keys.first_author and keys.year and keys.first_page:
        yield ("author-year-page", keys.first_author, str(keys.year), keys.first_page)
    if keys.volume and keys.first_page:
        yield ("volume-page", keys.journal[:1], keys.volume, keys.first_page)
    if len(keys.abstract) >= config.abstract_key_chars:
        yield ("abstract", keys.abstract[: config.abstract_key_chars])


def candidate_pairs(records: Sequence[MatchKeys], config: DedupConfig) -> list[tuple[int, int]]:
    """Sorted index pairs ``(i, j)``, ``i < j``, that share at least one blocking key.

    Blocks bigger than ``max_block_size`` are generic keys ("editorial", page 1 of volume 1)
    and are skipped rather than compared pairwise.
    """
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, keys in enumerate(records):
        for key in blocking_keys(keys, config):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > config.max_block_size:
            continue
        for position, left in enumerate(members):
            for right in members[position + 1 :]:
                pairs.add((left, right))
    return sorted(pairs)
