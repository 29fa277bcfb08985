"""One module per resource; handlers declare, delegate, return."""
