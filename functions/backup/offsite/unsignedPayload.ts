/**
 * Whether uploads to `endpoint` (none: AWS, over https) are signed with `UNSIGNED-PAYLOAD` instead of
 * the sha256 of each body: over https, whose TLS already protects the bytes in transit, and to a server
 * on this machine's loopback. Either way each part carries its Content-MD5, which is signed and which
 * the server checks. Over plain http to another machine the body's sha256 stays in the signature.
 */
export function unsignedPayload(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return true;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}
