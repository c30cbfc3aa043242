import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAppProcess } from '../../support/app-process';
import type { AppProcess } from '../../support/app-process';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';
import { RELEASE, at, get, render } from './chart-render';
import type { K8sObject } from './chart-render';

/**
 * What the chart renders, run for real on this machine against PostgreSQL: the migration Job's
 * command and environment migrate an empty database, the server starts on the Deployment's
 * ConfigMap and Secret and becomes ready, and the `helm test` pod's script passes against it.
 */

const DIST = join(__dirname, '..', '..', '..');
const FULLNAME = `${RELEASE}-tesorio-mcp`;
const PUBLIC_URL = 'https://mcp.example.com';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface Container {
  args: string[];
  env: EnvVar[];
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves a container's env the way the kubelet would, from the rendered ConfigMaps and Secrets. */
function resolveEnv(objects: K8sObject[], env: EnvVar[]): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const entry of env) {
    if (entry.value !== undefined) resolved[entry.name] = entry.value;
    else if (entry.valueFrom) {
      const { name, key } = entry.valueFrom.secretKeyRef;
      const data = at<Record<string, string>>(get(objects, 'Secret', name), 'data');
      resolved[entry.name] = Buffer.from(data[key], 'base64').toString('utf8');
    }
  }
  return resolved;
}

describe('the rendered chart, run against a real PostgreSQL', () => {
  let db: TestDatabase;
  let objects: K8sObject[];
  let app: AppProcess | undefined;

  before(async () => {
    db = await createTestDatabase({ migrated: false });
    objects = render({
      files: ['ci/single-replica-values.yaml'],
      set: { 'config.publicUrl': PUBLIC_URL, 'database.url': db.url },
    });
  });

  after(async () => {
    await app?.kill();
    await db?.drop();
  });

  it("migrates an empty database with the migration Job's command and environment", async () => {
    const job = get(objects, 'Job', `${FULLNAME}-migrate`);
    const container = at<Container>(job, 'spec.template.spec.containers.0');
    const [node, script, ...rest] = container.args;
    assert.equal(node, 'node');
    const env = resolveEnv(objects, container.env);
    assert.equal(env.NODE_ENV, 'production');

    const first = await run([join(DIST, script.replace(/^dist\//, '')), ...rest], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d+ migration\(s\)/);
    const again = await run([join(DIST, script.replace(/^dist\//, '')), ...rest], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No pending migrations/, 'a retried hook is harmless');
  });

  it("starts on the Deployment's ConfigMap and Secret and becomes ready", async () => {
    const deployment = get(objects, 'Deployment', FULLNAME);
    const container = at<Container & { envFrom: { configMapRef: { name: string } }[] }>(
      deployment,
      'spec.template.spec.containers.0',
    );
    const configMap = get(objects, 'ConfigMap', container.envFrom[0].configMapRef.name);
    const env: Record<string, string> = {
      ...at<Record<string, string>>(configMap, 'data'),
      ...resolveEnv(objects, container.env),
      // On a shared machine: loopback and free ports instead of 0.0.0.0:3000/3001.
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    assert.equal(env.MIGRATIONS_RUN, 'false', 'pods leave migrations to the Job');
    app = await startAppProcess(env);
    const ready = await fetch(`${app.baseUrl}/health/ready`);
    assert.equal(ready.status, 200, await ready.text());
  });

  it('passes the helm test pod, which fails when the advertised resource is not the expected one', async () => {
    assert.ok(app, 'the server from the previous test');
    const pod = get(objects, 'Pod', `${FULLNAME}-test`);
    const container = at<Container>(pod, 'spec.containers.0');
    const env = resolveEnv(objects, container.env);
    assert.equal(env.EXPECTED_RESOURCE, `${PUBLIC_URL}/v1/mcp`);
    const args = container.args.slice(1); // "node" is the program, the rest its arguments

    const pass = await run(args, { ...env, BASE_URL: app.baseUrl });
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
    assert.match(pass.stdout, /ok: ready, and the MCP resource is https:\/\/mcp\.example\.com\/v1\/mcp/);

    const wrong = await run(args, {
      ...env,
      BASE_URL: app.baseUrl,
      EXPECTED_RESOURCE: 'https://other/v1/mcp',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /helm test failed: resource is https:\/\/mcp\.example\.com\/v1\/mcp/);
  });
});
