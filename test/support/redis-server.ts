import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres-server';

/**
 * A throw-away Redis (the Debian `redis-server` package) on a free loopback port, as a child of the
 * test process: no persistence, so a stop loses everything, as a Redis restart without persistence
 * does in production. stop() and start() keep the port, so clients can reconnect to it.
 */
export interface RedisServer {
  url: string;
  port: number;
  /** Starts it again on the same port (after stop()). */
  start(): Promise<void>;
  /** Kills it (SIGKILL: as abrupt as a crashed or partitioned Redis) and waits for the exit. */
  stop(): Promise<void>;
  /** Stops it for good and removes its directory. */
  destroy(): Promise<void>;
}

const READY = /Ready to accept connections/;

function ensureInstalled(): void {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server not found: install it with `apt-get install -y redis-server`.');
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  ensureInstalled();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tesorio-redis-'));
  let child: ChildProcess | undefined;
  // A test that dies half-way must not leave a Redis behind.
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      // No persistence (save, appendonly): a stop loses everything, like a Redis restart in prod.
      const options = {
        port: String(port),
        bind: '127.0.0.1',
        save: '',
        appendonly: 'no',
        dir,
        daemonize: 'no',
        loglevel: 'notice',
      };
      const args = Object.entries(options).flatMap(([name, value]) => [`--${name}`, value]);
      const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      let output = '';
      const onData = (chunk: Buffer): void => void (output += chunk.toString());
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
          const poll = setInterval(() => {
            if (!READY.test(output)) return;
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }, 20);
          started.once('exit', (code) => {
            clearInterval(poll);
            clearTimeout(timer);
            reject(new Error(`redis-server exited with ${code}:\n${output}`));
          });
        });
      } finally {
        // Keep draining its output, unread, so a chatty server never blocks on a full pipe.
        started.stdout?.off('data', onData).resume();
        started.stderr?.off('data', onData).resume();
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGKILL');
      await exited;
    },
    async destroy() {
      await server.stop();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
