"""core/syllabus."""
