"""What a record is (article, erratum, retraction, comment, meeting item), for matching.

Records of different kinds are different items even when their titles agree: an erratum and the
article it corrects, a reply and the letter it answers. The publication type decides first; the
title only where its wording marks the kind at a fixed place ("Erratum: ...", "... - Reply"),
so that "Correction of scoliosis" or "Immune response to ..." stay articles.
"""

from __future__ import annotations

import re
from enum import StrEnum

from importers.dedup.text import ERRATUM_CITATION
from importers.model import ReferenceType


class Kind(StrEnum):
    """What a record is for matching: different kinds are never merged automatically."""

    ARTICLE = "article"
    ERRATUM = "erratum"
    RETRACTION = "retraction"
    COMMENT = "comment"
    ABSTRACT = "conference abstract"


# Publication types that fix the kind (the vocabulary has no erratum or comment type).
_TYPE_KINDS = {
    ReferenceType.CONFERENCE_ABSTRACT: Kind.ABSTRACT,
    ReferenceType.CONFERENCE_PAPER: Kind.ABSTRACT,
}
_ERRATUM = re.compile(
    r"^\W*(?:(?:errat(?:um|a)|corrigend(?:um|a)|notice of correction"
    r"|publisher'?s'? (?:note|correction)|authors?'?s?'? correction)\b|correction(?: to)?\s*:)"
    r"|[(\[]\s*(?:erratum|corrigendum)\s*[)\]]\W*$",
    re.I,
)
_RETRACTION = re.compile(
    r"^\W*(?:retraction(?: note| notice)?(?: to| of publication)?\s*:|retraction notice\b"
    r"|retracted(?: article)?\s*:|notice of retraction\b|withdrawn\s*:)",
    re.I,
)
_COMMENT = re.compile(
    # at the start: "Comment on ...", "Re: ...", "Reply to ...", "Response to the letter ..."
    r"^\W*(?:comments?\s*(?:on\b|to\b|:)|commentary\s*(?:on\b|:)|re\s*:|reply\s*(?:to\b|:)"
    r"|in (?:reply|response) to\b|response\s*(?::|to (?:the |a |an )?(?:letter|comments?"
    r"|commentary|editorial|correspondence|reply|critique|remarks?)\b)"
    r"|(?:the )?authors?'?s?'? (?:reply|response)\b|(?:reply|response|comment|commentary)\W*$)"
    # at the end, after a separator: "... - Reply", "...: authors' reply", "... (Response)"
    r"|[-:.(\[]\s*(?:the\s+)?(?:authors?'?s?'?\s+)?(?:reply|response|replies)\W*$",
    re.I,
)
# Meeting words in a journal field mark a meeting item ("Proceedings of ..." is often a journal).
_MEETING = re.compile(r"\b(?:conference|congress|meeting|symposium)\b")


def record_kind(title: str, journal: str, publication_type: ReferenceType) -> Kind:
    """The kind from the publication type, then from anchored title wording, then from a
    journal field that names a meeting. *title* is as exported, *journal* folded."""
    by_type = _TYPE_KINDS.get(publication_type)
    if by_type is not None:
        return by_type
    if _ERRATUM.search(title) or ERRATUM_CITATION.search(title):
        return Kind.ERRATUM
    if _RETRACTION.search(title):
        return Kind.RETRACTION
    if _COMMENT.search(title):
        return Kind.COMMENT
    if _MEETING.search(journal):
        return Kind.ABSTRACT
    return Kind.ARTICLE
