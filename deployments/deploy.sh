#!/usr/bin/env bash
# Go live on one server: run from the repository root after `make setup`, with the
# environment of deployments/xzzf.env (PREFECT_API_URL pointing at the running server).
set -euo pipefail
cd "$(dirname "$0")/.."
export XZZF_HOME="${XZZF_HOME:-$PWD}"
prefect=".venv/bin/prefect"
# The server's login first (PREFECT_API_AUTH_STRING): missing or wrong, one line and exit code 2
# instead of a 401 traceback from the middle of the deploy.
.venv/bin/python -m flows.runtime
# One process pool with a concurrency limit of 1: the single global limit for every xzzf run.
"$prefect" work-pool inspect xzzf >/dev/null 2>&1 || "$prefect" work-pool create xzzf --type process
"$prefect" work-pool set-concurrency-limit xzzf 1
# The SMTP password as a Secret block (read when a mail is sent), if given here.
if [ -n "${XZZF_SMTP_PASSWORD_TO_STORE:-}" ]; then
  .venv/bin/python -c "import os; from prefect.blocks.system import Secret; \
Secret(value=os.environ['XZZF_SMTP_PASSWORD_TO_STORE']).save('xzzf-smtp-password', overwrite=True)"
fi
"$prefect" deploy --all
# The forms' unit fields: lists of the registry's units (XZZF_UNITS), not free text.
.venv/bin/python -m flows.unit_choices
echo "已部署。启动 worker：systemctl start xzzf-worker（或 $prefect worker start --pool xzzf）"
