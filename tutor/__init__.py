"""The grounded lesson tutor (retrieval, answer engines, grounding check): see its issue."""
