/** The HTTP server (`quarry serve`), usable as a library too. */
export { createServer, SERVER_VERSION, type QuarryServer } from './app.js';
export type { ServerOptions } from './server-context.js';
export { readKeysFile, parseKeysVariable, type ApiKey, type Role } from './api-keys.js';
export { buildOpenApi } from './openapi.js';
