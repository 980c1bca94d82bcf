"""Deploying recipebox to AWS Lambda: the package, the SAM template, IAM policies, the rollout.

Modules, in the order a deployment uses them:

- `target`: the Lambda runtime a package is built for (architecture, Python, limits).
- `lock`: the locked dependencies (uv.lock, through `uv export`) for one target.
- `wheels`: installing those dependencies from manylinux wheels for the target, never the host's.
- `bundle`: choosing the files, compiling bytecode, writing a reproducible zip, the size report.
- `package`: the whole build, `build_package(options)`.
- `stack`, `template`, `policies`, `roles`: the typed stack description, its SAM template,
  the execution roles' and the deploy-time IAM policies (dicts; `render` writes YAML/JSON).
- `changeset`: the CloudFormation change-set rollout through boto3.
- `commands`: the `recipebox package | template | policy | deploy | check` commands.
"""
