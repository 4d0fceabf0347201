# 28 November 2026, 14:05
PUBLIC_DATETIME_FORMAT = "j F Y, H:i"
# Friday 28 November 2026 at 14:05
PUBLIC_DUE_DATETIME_FORMAT = r"l j F Y \a\t H:i"
