"""Date formats for the public pages, per language (FORMAT_MODULE_PATH). Templates use them by
name, e.g. `{{ case.created_at|date:"PUBLIC_DATETIME_FORMAT" }}`, so each language gets its own
word order and grammar (Polish needs the genitive month name: "28 listopada")."""
