"""`python -m ml.resume KIND MEMORY_BYTES CPU_SECONDS` < file: the child of `extract_text_isolated`."""

from ml.resume.extract import _main

_main()
