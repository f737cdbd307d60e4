"""`python -m capture.cli`."""

from capture.cli import main

main()
