"""Contact triage: THRIVE assessment and Contact Assessment Model grading, driven by a versioned policy."""
