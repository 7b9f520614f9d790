"""The default tension scale (installed by migration 0002; editable in the database)."""

# Cohesion's default 0 to 5 scale (shared/reference/tension-and-hate-crime.md §8);
# councils replace it with official level names where a partner supplies them.
DEFAULT_SCALE = [
    (0, "Normal", "No unusual indicators", "green"),
    (1, "Low", "Isolated incidents or rumours, no pattern", "green"),
    (
        2,
        "Moderate",
        "A pattern of incidents, rumours or online activity; communities voicing concern",
        "amber",
    ),
    (
        3,
        "Significant",
        (
            "Planned events or counter-events; incidents rising; trust falling; "
            "disorder possible but localised"
        ),
        "amber",
    ),
    (
        4,
        "High",
        (
            "Credible intelligence of disorder; incidents escalating; "
            "CIA and partner response activated"
        ),
        "red",
    ),
    (5, "Critical", "Disorder occurring or imminent; spreading across areas", "red"),
]
