"""PRISMA 2020 reports of a review: counts with their identity checks, the filled CSV, the SVG."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.services.reports.outcomes import prisma_input
from api.tables import Review
from screening.prisma.counts import compute_prisma
from screening.prisma.csv import fill_prisma_csv
from screening.prisma.model import PrismaReport
from screening.prisma.svg import render_prisma_svg


def prisma_report(session: Session, review: Review) -> PrismaReport:
    """Counts derived from the stored events, with every identity violation found."""
    return compute_prisma(prisma_input(session, review))


def prisma_json(session: Session, review: Review) -> dict[str, Any]:
    return prisma_report(session, review).as_json()


def prisma_csv(session: Session, review: Review) -> str:
    """The PRISMA2020 package's data template (PRISMA.csv) with its ``n`` column filled."""
    return fill_prisma_csv(prisma_report(session, review).counts)


def prisma_svg(session: Session, review: Review) -> str:
    return render_prisma_svg(prisma_report(session, review).counts, source_detail=True)
