"""AWS Lambda: the Lambda event <-> WSGI adapter, the entry points and the local emulator."""
