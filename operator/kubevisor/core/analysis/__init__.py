"""Read-only questions about a project's definitions (the CLI's `find-usage`, `list`, `info`,
`find-duplicate-segments`, `assess-distribution`), answered without any I/O."""
