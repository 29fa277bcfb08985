"""Roles in a review and what each may do: the one table every review route is checked against."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    LEAD = "lead"
    REVIEWER = "reviewer"
    LIBRARIAN = "librarian"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "read"  # see the review, its sources, records, progress and reports
    MANAGE_REVIEW = "manage_review"  # settings, members, conflicts, exports
    MANAGE_SOURCES = "manage_sources"  # sources, imports, deduplication
    SCREEN = "screen"  # vote on records
    EXTRACT = "extract"  # fill extraction forms
    RETRIEVE = "retrieve"  # attach full texts, or record that one could not be retrieved


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LEAD: frozenset(Permission),
    Role.REVIEWER: frozenset(
        {Permission.READ, Permission.SCREEN, Permission.EXTRACT, Permission.RETRIEVE}
    ),
    Role.LIBRARIAN: frozenset({Permission.READ, Permission.MANAGE_SOURCES, Permission.RETRIEVE}),
    Role.VIEWER: frozenset({Permission.READ}),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
