"""Document layouts (PDF, ESC/POS) and printer back-ends. Knows nothing of counter_app."""
