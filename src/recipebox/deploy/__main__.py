"""`python -m recipebox.deploy COMMAND`: the deploy commands without the rest of the CLI."""

import sys

from recipebox.deploy.commands import main

sys.exit(main())
