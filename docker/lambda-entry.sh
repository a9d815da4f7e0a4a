#!/bin/sh
# Starts the function named by the arguments (e.g. functions/db-backup/handler.handler).
# Locally (docker compose) the Runtime Interface Emulator serves the invoke API on :8080 and runs the
# runtime interface client, with the memory and timeout template.yaml gives this function (the
# emulator would report 3008 MB and 900 s); under `sam local` or on AWS, AWS_LAMBDA_RUNTIME_API is
# already set and the runtime interface client talks to it directly.
set -eu
RIC="/opt/lambda-runtime/node_modules/aws-lambda-ric/bin/index.mjs"
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  limits=$(/usr/local/bin/node /var/task/cli/functionLimits.js "$1")
  eval "export $(echo "$limits" | tr '\n' ' ')"
  exec /usr/local/bin/aws-lambda-rie /usr/local/bin/node "$RIC" "$@"
fi
exec /usr/local/bin/node "$RIC" "$@"
