# 28 listopada 2026, 14:05
PUBLIC_DATETIME_FORMAT = "j E Y, H:i"
# piątek, 28 listopada 2026 o 14:05
PUBLIC_DUE_DATETIME_FORMAT = r"l, j E Y \o H:i"
