"""The tutorial's GradientTape examples and the syllabus cards: lessons that run real TF and show their code."""
