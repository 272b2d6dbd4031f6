import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fastifyCookie } from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { isLoopback } from '../config/index.js';
import { DaemonError } from '../errors/index.js';
import type { ApiContext } from './api-context.js';
import type { ApiDeps, WebDirs } from './api-deps.js';
import { createErrorHandler } from './api-error.js';
import { createRevealer } from './reveal.js';
import { registerBrowseRoutes } from './routes/browse.route.js';
import { registerDuplicateRoutes } from './routes/duplicates.route.js';
import { registerFileRoutes } from './routes/files.route.js';
import { registerJobRoutes } from './routes/jobs.route.js';
import { registerIndexFoldersRoute } from './routes/index-folders.route.js';
import { registerLibraryRoutes } from './routes/libraries.route.js';
import { registerPageRoutes } from './routes/page.route.js';
import { registerPeopleRoutes } from './routes/people.route.js';
import { registerSearchRoutes } from './routes/search.route.js';
import { registerStatusRoutes } from './routes/status.route.js';
import { registerWritebackRoutes } from './routes/writeback.route.js';
import { createSecurityHook } from './security.hook.js';
import { SseHub } from './sse-hub.js';
import { streamedStatus } from './status-stream.js';
import { createStatusService } from './status-service.js';

export type { ApiDeps, ApiControl, WebDirs } from './api-deps.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');

/** Where the page's files are: hand-written ones in web/static, compiled modules in dist/web. */
export function defaultWebDirs(): WebDirs {
  return { pageDir: path.join(REPO, 'web'), staticDir: path.join(REPO, 'web', 'static'), builtDir: path.join(REPO, 'dist', 'web') };
}

export interface BuildOptions {
  /** The port browsers put in the Host header; startServer supplies the bound one. */
  port?: () => number;
}

/**
 * Builds (does not start) the API server. Everything it touches comes from `deps`; closing the
 * server ends the event streams but closes nothing it was handed.
 */
export function buildServer(deps: ApiDeps, opts: BuildOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 256 * 1024,
    // Node's default is to keep the process alive for idle keep-alive sockets on close.
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false } },
  });
  const port = opts.port ?? (() => deps.config.api.port);
  const remote = deps.config.api.allowRemote && !isLoopback(deps.config.api.host);
  const given = deps.token;
  const token = typeof given === 'function' ? given : () => given;
  const status = createStatusService(deps);
  // A rotated token ends the open event streams: their reconnect then needs the new session.
  const hub = new SseHub({ bus: deps.bus, status: async () => streamedStatus(await status.full()), session: token, ...(deps.sseMaxClients ? { maxClients: deps.sseMaxClients } : {}) });
  const ctx: ApiContext = { deps, status, hub, token, reveal: deps.reveal ?? createRevealer() };
  const allowedRoots = () => deps.control.libraries();

  // Parsing and serialising only (hook: false): the security hook reads the session cookie itself.
  void app.register(fastifyCookie, { hook: false });
  app.setErrorHandler(createErrorHandler(deps.log, allowedRoots));
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: 'API_NOT_FOUND', message: 'No such resource' } });
  });
  app.addHook('onRequest', createSecurityHook({ token, port, extraHosts: remote ? [deps.config.api.host] : [] }));
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });

  const web = deps.web ?? defaultWebDirs();
  const roots = [web.staticDir, web.builtDir].filter((d) => existsSync(d));
  if (!existsSync(path.join(web.builtDir, 'app.js'))) deps.log.warn({ dir: web.builtDir }, 'the status page is not built (run npm run build): / will load without its scripts');
  if (roots.length) {
    void app.register(fastifyStatic, { root: roots, prefix: '/', wildcard: false, index: false, cacheControl: true, maxAge: 0, serveDotFiles: false });
  }

  registerPageRoutes(app, ctx, web.pageDir);
  registerStatusRoutes(app, ctx);
  registerFileRoutes(app, ctx);
  registerSearchRoutes(app, ctx);
  registerPeopleRoutes(app, ctx);
  registerWritebackRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerLibraryRoutes(app, ctx);
  registerIndexFoldersRoute(app, ctx);
  registerBrowseRoutes(app, ctx);
  registerDuplicateRoutes(app, ctx);
  return app;
}

export interface StartOptions {
  host?: string;
  port?: number;
  /** If the port is taken, try this many following ports before giving up. */
  portTries?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  /** Every address answering, e.g. ['127.0.0.1', '::1']. */
  addresses: string[];
  close(): Promise<void>;
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * Starts the API. Loopback only (127.0.0.1, and ::1 when the machine has it) unless the config
 * sets allowRemote; then a token is still needed for every API call. If the configured port is
 * taken, the next free one is used and the log says so with the URL.
 */
export async function startServer(deps: ApiDeps, opts: StartOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? deps.config.api.host;
  const wanted = opts.port ?? deps.config.api.port;
  if (!isLoopback(host) && !deps.config.api.allowRemote) {
    throw new DaemonError('API_REMOTE_NOT_ALLOWED', `${host} is not a loopback address; set api.allowRemote to true to bind it`);
  }
  const token = typeof deps.token === 'function' ? deps.token() : deps.token;
  if (!isLoopback(host) && (!token || token.length < 16)) throw new DaemonError('API_REMOTE_NOT_ALLOWED', 'no API token');

  const loopback = isLoopback(host);
  const bindHost = loopback ? '127.0.0.1' : host;
  let port = wanted;
  if (wanted !== 0) {
    const tries = opts.portTries ?? 10;
    let found = -1;
    for (let p = wanted; p < Math.min(65536, wanted + tries); p++) {
      if (await portFree(bindHost, p)) {
        found = p;
        break;
      }
    }
    if (found < 0) throw new DaemonError('API_PORT_IN_USE', `ports ${wanted}-${wanted + tries - 1} on ${bindHost} are all taken; set api.port in config.json`);
    if (found !== wanted) deps.log.warn({ wanted, port: found }, `API port ${wanted} is in use; using ${found} instead`);
    port = found;
  }

  let bound = port;
  const app = buildServer(deps, { port: () => bound });
  await app.listen({ host: bindHost, port });
  const addr = app.server.address();
  if (addr && typeof addr === 'object') bound = addr.port;
  // ::1 too when the machine has it, whatever 'localhost' resolves to (many Linux hosts files map
  // it to 127.0.0.1 only): a browser may pick either. Same handler, so the same hooks and routes.
  const v6 = loopback ? await listenV6(app, bound, deps.log) : null;
  const addresses = [bindHost, ...(v6 ? ['::1'] : [])];

  const url = `http://${loopback ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${bound}/`;
  deps.log.info({ url, addresses }, `rawlight status page: ${url}`);
  return {
    url,
    port: bound,
    app,
    addresses,
    async close() {
      if (v6) {
        v6.close();
        v6.closeAllConnections();
      }
      await app.close();
    },
  };
}

/** A second listener on [::1]:port feeding fastify's own request handler; null when ::1 is missing or taken. */
function listenV6(app: FastifyInstance, port: number, log: ApiDeps['log']): Promise<http.Server | null> {
  return new Promise((resolve) => {
    const s = http.createServer(app.routing);
    s.once('error', (e: NodeJS.ErrnoException) => {
      log.info({ code: e.code }, 'not listening on [::1] (no IPv6 loopback here, or the port is taken there)');
      resolve(null);
    });
    s.listen({ host: '::1', port, ipv6Only: true }, () => resolve(s));
  });
}
