// Mirrors api/permissions.py: what each role may do in a review (the API checks it again).
const ROLE_PERMISSIONS = {
  lead: ["read", "manage_review", "manage_sources", "screen", "extract", "retrieve"],
  reviewer: ["read", "screen", "extract", "retrieve"],
  librarian: ["read", "manage_sources", "retrieve"],
  viewer: ["read"],
};

export function can(role, permission) {
  return (ROLE_PERMISSIONS[role] || []).includes(permission);
}
