"""The GradientTape Explorer page's parts: tutorial examples, syllabus cards and the expression playground."""
