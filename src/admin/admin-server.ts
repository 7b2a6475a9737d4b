import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.module';
import { createAdminApp } from './admin.factory';

/** The running admin API: where it listens, and how to stop it. */
export interface AdminServer {
  readonly socket: string;
  /** The loopback TCP port, or null when TSOGS_ADMIN_PORT is off. */
  readonly port: number | null;
  close(): Promise<void>;
}

/** True when a process accepts connections on the socket file. */
function socketInUse(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(file);
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
}

/**
 * Makes way for the socket: a socket file nobody listens on (left by a crash) is removed; a
 * live one, or any other kind of file, is an error rather than something to delete.
 */
async function clearStaleSocket(file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new Error(`Admin socket ${file}: exists and is not a socket`);
  if (await socketInUse(file)) throw new Error(`Admin socket ${file}: in use by another process`);
  unlinkSync(file);
}

/** Listens on the unix socket, readable and writable by the server's user only (0600). */
async function listenOnSocket(fastify: FastifyInstance, file: string): Promise<void> {
  await clearStaleSocket(file);
  // The umask covers the moment between bind() and chmod().
  const umask = process.umask(0o177);
  try {
    await fastify.listen({ path: file });
  } finally {
    process.umask(umask);
  }
  chmodSync(file, 0o600);
}

/** A second listener on 127.0.0.1 sharing the app's request handler. */
function listenOnLoopback(app: NestFastifyApplication, port: number): Promise<Server> {
  const main = app.getHttpServer() as Server;
  const handler = main.listeners('request')[0] as RequestListener;
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts the admin REST API on `config.admin`: the unix socket, and 127.0.0.1:port when set.
 * Run by the primary process only; never on the public port.
 */
export async function startAdminServer(deps: AppDeps, logger: LoggerService): Promise<AdminServer> {
  const { socket, port } = deps.config.admin;
  const app = await createAdminApp(deps, logger);
  let tcp: Server | undefined;
  try {
    await listenOnSocket(app.getHttpAdapter().getInstance() as unknown as FastifyInstance, socket);
    if (port !== null) tcp = await listenOnLoopback(app, port);
  } catch (err) {
    await app.close();
    throw err;
  }
  const tcpPort = tcp ? (tcp.address() as AddressInfo).port : null;
  logger.log(
    `admin API on ${socket}${tcpPort === null ? '' : ` and 127.0.0.1:${tcpPort}`}`,
    'admin',
  );
  return {
    socket,
    port: tcpPort,
    async close() {
      if (tcp) await closeServer(tcp);
      await app.close();
    },
  };
}
