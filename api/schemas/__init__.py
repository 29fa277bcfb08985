"""Request and response models (never table classes)."""
