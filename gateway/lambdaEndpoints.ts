/**
 * Reads `LAMBDA_ENDPOINTS` (`DbBackupFunction=http://api:8080,NotesFunction=http://notes:8080`) and
 * `LAMBDA_ENDPOINT` (one URL for every function); an empty map means: invoke in process.
 */
export function lambdaEndpoints(env: NodeJS.ProcessEnv): Map<string, string> {
  const endpoints = new Map<string, string>();
  const add = (name: string, url: string) => {
    try {
      if (!/^https?:$/.test(new URL(url).protocol)) throw new Error();
    } catch {
      throw new Error(`Lambda endpoint for ${name} must be an http(s) URL (got "${url}")`);
    }
    endpoints.set(name, url);
  };
  if (env.LAMBDA_ENDPOINT?.trim()) add('*', env.LAMBDA_ENDPOINT.trim());
  for (const pair of (env.LAMBDA_ENDPOINTS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`LAMBDA_ENDPOINTS takes FunctionName=url pairs separated by commas (got "${pair}")`);
    add(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return endpoints;
}
