// The web app's built assets (web/dist, `npm run web:build`) served at `/` by the API process:
// hashed files under /assets/ cached for a year, index.html for every app path (the app routes on
// the History API) and never cached, and a Content-Security-Policy that lets the page load and
// connect to nothing but Enclave itself.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run web:build` writes the app. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** 'self' covers the same-origin WebSocket (CSP Level 3), which carries the subscriptions. */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const COMMON_HEADERS = {
  'content-security-policy': WEB_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * A request handler for the app, or null when it is not built (the API then answers `/` with a
 * 404 that says how to build it). Only GET and HEAD; paths may not leave the directory.
 */
export function createWebAppHandler(dir: string = WEB_DIST_DIR) {
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  // Read on every app request (it is under 1 KB), so a rebuild (`npm run dev` rebuilds on change) is served at once.
  const readIndex = () => readFile(join(root, 'index.html')).catch(() => null);

  return async function serveWebApp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...COMMON_HEADERS }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://enclave').pathname);
    } catch {
      res.writeHead(400, COMMON_HEADERS).end('bad path');
      return;
    }
    const file = normalize(join(root, pathname));
    if (!file.startsWith(root) || pathname.includes('\0')) {
      res.writeHead(404, COMMON_HEADERS).end('not found');
      return;
    }
    const isAsset = extname(pathname) !== '';
    if (isAsset) {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...COMMON_HEADERS }).end('not found');
        return;
      }
      const hashed = pathname.startsWith('/assets/');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...COMMON_HEADERS,
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
      return;
    }
    // An app path (/, /clones/<id>): the app itself, which reads the path.
    const html = await readIndex();
    if (!html) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...COMMON_HEADERS })
        .end('The web app is not built: run `npm run web:build` (the GraphQL API is at /graphql).\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES['.html']!, 'content-length': html.length, 'cache-control': 'no-cache', ...COMMON_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : html);
  };
}
