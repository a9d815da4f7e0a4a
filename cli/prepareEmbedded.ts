#!/usr/bin/env node
// Run by `npm ci` / `npm install` (the `prepare` script): makes the embedded database's template once,
// so that the first `npm start` opens in about a second. Never fails the install: without a template,
// the first start creates its database itself, only slower.
try {
  const started = performance.now();
  const { createTemplate, TEMPLATE_DIR } = await import('../functions/db/embedded/pgliteTemplate.js');
  if (await createTemplate()) {
    process.stdout.write(
      `prepared the embedded database's template in ${TEMPLATE_DIR} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  }
} catch (error) {
  process.stderr.write(
    `warning: the embedded database's template was not made (${(error as Error).message}); the first npm start will take longer\n`,
  );
}
