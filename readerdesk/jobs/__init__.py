"""Background work: the runner (``runner``), the registry of job functions (``registry``) and the jobs.

Jobs are the one place outside views and the CLI that read the app's config and commit: each job
function takes plain arguments (ids, strings), runs inside an app context, and owns its transaction.
"""
