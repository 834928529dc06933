"""``python -m lawfulreach`` runs the command line."""

from lawfulreach.cli.app import main

main()
