/** The API's own description (OpenAPI 3.1 + a rendered page from bundled assets), liveness and JWKS. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { NotFoundError } from '../../core/errors.js';
import { type ApiRegistry, type JsonSchema } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { sendFile } from '../static.js';
import type { ApiContext } from '../state.js';

const requireHere = createRequire(import.meta.url);
/** swagger-ui-dist ships the renderer's files; serving them locally means no CDN is ever contacted. */
function swaggerDir(): string | null {
  try {
    return dirname(requireHere.resolve('swagger-ui-dist/package.json'));
  } catch {
    return null;
  }
}

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>WhatsApp Gateway Desktop API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

export function registerMetaRoutes(api: ApiRegistry, deps: ApiDeps, document: () => JsonSchema): void {
  const assets = swaggerDir();

  api.add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'The OpenAPI 3.1 description of this API',
    tag: 'Meta',
    access: 'public',
    responses: { 200: { description: 'OpenAPI document', schema: { type: 'object' } } },
    handler(ctx) {
      ctx.body = document();
    },
  });

  api.add({
    method: 'get',
    path: '/docs',
    operationId: 'getDocs',
    summary: 'The API reference, rendered (bundled assets, no CDN)',
    tag: 'Meta',
    access: 'public',
    responses: { 200: { description: 'HTML page' } },
    handler(ctx) {
      ctx.set('Content-Security-Policy', DOCS_CSP);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = DOCS_HTML;
    },
  });

  api.add({
    method: 'get',
    path: '/docs/init.js',
    operationId: 'getDocsScript',
    summary: 'Start-up script of the rendered API reference',
    tag: 'Meta',
    access: 'public',
    responses: { 200: { description: 'JavaScript' } },
    handler(ctx) {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.body = DOCS_INIT;
    },
  });

  api.add({
    method: 'get',
    path: '/docs/assets/{file}',
    operationId: 'getDocsAsset',
    summary: 'Bundled assets of the rendered API reference',
    tag: 'Meta',
    access: 'public',
    pathParams: { file: 'An asset file name' },
    responses: { 200: { description: 'The file' } },
    handler(ctx: ApiContext) {
      const file = ctx.params.file ?? '';
      if (!assets || !/^[\w.-]+$/.test(file) || !sendFile(ctx, assets, file, 86400)) {
        throw new NotFoundError('no such file', { file });
      }
    },
  });

  api.add({
    method: 'get',
    path: '/healthz',
    base: 'root',
    operationId: 'healthz',
    summary: 'Liveness',
    description: 'Answers 200 while the gateway runs; no data.',
    tag: 'Meta',
    access: 'public',
    responses: { 200: { description: 'Alive', schema: { type: 'object', properties: { status: { const: 'ok' } } } } },
    handler(ctx) {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
    },
  });

  api.add({
    method: 'get',
    path: '/.well-known/jwks.json',
    base: 'root',
    operationId: 'jwks',
    summary: 'Public keys that verify the gateway\'s login JWTs',
    tag: 'Meta',
    access: 'public',
    responses: { 200: { description: 'JSON Web Key Set', schema: { type: 'object' } } },
    handler(ctx) {
      ctx.body = deps.tokens.jwks();
    },
  });
}
