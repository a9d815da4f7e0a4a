#!/usr/bin/env node
// Prints the memory and timeout that template.yaml gives the function whose handler is named (the
// Lambda container's command), as shell assignments for the Runtime Interface Emulator, which
// otherwise reports 3008 MB and 900 s for every function: `eval "$(node cli/functionLimits.js <handler>)"`.
// template.yaml stays the one source of truth (docker/lambda-entry.sh runs this before the emulator).
import { join } from 'node:path';
import { packageRoot } from '../functions/config/packageRoot.js';
import { loadRoutes } from '../gateway/loadRoutes.js';

const handler = process.argv[2];
const route = (await loadRoutes(join(packageRoot(), 'template.yaml'))).find((candidate) => candidate.handler === handler);
if (!route) {
  process.stderr.write(`functionLimits: no function with the handler ${handler} in template.yaml\n`);
  process.exit(1);
}
process.stdout.write(`AWS_LAMBDA_FUNCTION_MEMORY_SIZE=${route.memorySizeMb}\nAWS_LAMBDA_FUNCTION_TIMEOUT=${route.timeoutSeconds}\n`);
