"""Use cases that combine storage and the domain, shared by the CLI, web and Lambda entry points."""
