import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { at, get, projectRoot, render, RELEASE } from './chart-render';
import type { K8sObject } from './chart-render';

/**
 * The container image, checked without a Docker engine (none runs on these machines): the
 * Dockerfile is parsed and held to what the Helm chart relies on, and the compiled layout the image
 * copies (dist/src, dist/migrations, package.json beside dist) is exercised for real.
 */

const ROOT = projectRoot();
/** The compiled tree this test runs from: <dist>/test/e2e/deploy → <dist>. */
const DIST = join(__dirname, '..', '..', '..');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Dockerfile → stages of instructions (line continuations joined, comments dropped, ARGs resolved in FROM). */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [image = '', , name] = args.split(/\s+/);
      const from = image.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_, a?: string, b?: string) => globalArgs[a ?? b ?? ''] ?? '',
      );
      stages.push({ from, name, instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [name = '', value = ''] = args.split('=');
      globalArgs[name] = value;
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

const exec = (json: string): string[] => JSON.parse(json) as string[];

describe('Dockerfile', () => {
  const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const runtime = stages.at(-1)!;
  const all = (stage: Stage, keyword: string): string[] =>
    stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
  const last = (stage: Stage, keyword: string): string | undefined => all(stage, keyword).at(-1);
  let deployment: K8sObject;

  before(() => {
    deployment = get(
      render({ set: { 'config.publicUrl': 'https://mcp.example.com' } }),
      'Deployment',
      `${RELEASE}-tesorio-mcp`,
    );
  });

  it('is multi-stage and ends on a Debian slim Node 20 image (which has /bin/sleep for preStop)', () => {
    assert.ok(stages.length >= 3, 'build, production dependencies, runtime');
    assert.match(runtime.from, /^node:20(\.\d+)*-bookworm-slim(@sha256:[a-f0-9]{64})?$/);
    const preStop = at<string[]>(
      deployment,
      'spec.template.spec.containers.0.lifecycle.preStop.exec.command',
    );
    assert.equal(preStop[0], '/bin/sleep', 'the chart may rely on coreutils only because the base is Debian');
  });

  it('runs as a numeric non-root user, the one the chart declares', () => {
    const user = last(runtime, 'USER');
    assert.ok(user, 'the runtime stage sets USER');
    const match = /^(\d+)(?::(\d+))?$/.exec(user);
    assert.ok(match, `USER must be numeric (uid[:gid]) so runAsNonRoot can verify it; got ${user}`);
    assert.notEqual(Number(match[1]), 0);
    const pod = at<{ runAsUser: number; runAsGroup: number }>(
      deployment,
      'spec.template.spec.securityContext',
    );
    assert.equal(pod.runAsUser, Number(match[1]));
    assert.equal(pod.runAsGroup, Number(match[2] ?? match[1]));
  });

  it('has tini as PID 1 and `node dist/src/main.js` as the command', () => {
    assert.deepEqual(exec(last(runtime, 'ENTRYPOINT') ?? '[]'), ['/usr/bin/tini', '--']);
    assert.deepEqual(exec(last(runtime, 'CMD') ?? '[]'), ['node', 'dist/src/main.js']);
    assert.ok(
      all(runtime, 'RUN').some((r) => /apt-get install\b.*\btini\b/.test(r)),
      'tini comes from Debian in the runtime stage',
    );
    const containers = at<{ command?: string[] }[]>(deployment, 'spec.template.spec.containers');
    assert.equal(containers[0].command, undefined, 'the chart keeps the image entrypoint (tini)');
  });

  it('sets production defaults and exposes the ports the chart uses', () => {
    const env = all(runtime, 'ENV').join(' ');
    for (const setting of ['NODE_ENV=production', 'HOST=0.0.0.0', 'ADMIN_HOST=0.0.0.0']) {
      assert.ok(env.split(' ').includes(setting), `ENV ${setting}`);
    }
    const exposed = all(runtime, 'EXPOSE').join(' ').split(' ').map(Number).sort();
    const ports = at<{ containerPort: number }[]>(deployment, 'spec.template.spec.containers.0.ports')
      .map((p) => p.containerPort)
      .sort();
    assert.deepEqual(exposed, ports);
    assert.deepEqual(exposed, [3000, 3001]);
  });

  it('copies only dist/, production node_modules and package.json into the runtime stage', () => {
    const copies = all(runtime, 'COPY');
    const byStage = new Map(stages.map((s) => [s.name, s]));
    const sources: string[] = [];
    for (const copy of copies) {
      const from = /--from=(\S+)/.exec(copy)?.[1];
      const parts = copy.split(' ').filter((p) => !p.startsWith('--'));
      sources.push(...parts.slice(0, -1).map((s) => (from ? `${from}:${s}` : s)));
      if (parts.some((p) => p.includes('node_modules'))) {
        const stage = byStage.get(from);
        assert.ok(stage, 'node_modules come from a named stage');
        const installs = all(stage, 'RUN').filter((r) => /npm (ci|install)\b/.test(r));
        assert.ok(installs.length > 0, `stage ${from} installs dependencies`);
        for (const install of installs) {
          assert.match(
            install,
            /npm ci --omit=dev\b/,
            `stage ${from} must install production dependencies only`,
          );
        }
      }
    }
    assert.deepEqual(sources.sort(), [
      'build:/app/dist/migrations',
      'build:/app/dist/src',
      'package.json',
      'prod-deps:/app/node_modules',
    ]);
    assert.ok(
      !all(runtime, 'RUN').some((r) => /\bnpm\b/.test(r) && !/rm -/.test(r)),
      'no npm run in runtime',
    );
  });

  it('builds with the project build script, and the build compiles src/ and migrations/', () => {
    const build = stages.find((s) => s.name === 'build')!;
    assert.ok(all(build, 'RUN').includes('npm ci --no-audit --no-fund'));
    assert.ok(all(build, 'RUN').includes('npm run build'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.equal(pkg.scripts.build, 'tsc -p tsconfig.build.json');
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    assert.deepEqual(tsconfig.include.sort(), ['migrations', 'src']);
    for (const copy of all(build, 'COPY')) {
      for (const source of copy.split(' ').slice(0, -1)) {
        assert.ok(existsSync(join(ROOT, source)), `COPY ${source}: missing from the repository`);
      }
    }
  });

  it('.dockerignore sends the build every file it copies, and nothing else', () => {
    const rules = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    assert.equal(rules[0], '*', 'an allowlist: everything excluded first');
    const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/\/$/, ''));
    const copied = stages
      .flatMap((s) => all(s, 'COPY'))
      .filter((c) => !c.includes('--from='))
      .flatMap((c) => c.split(' ').slice(0, -1));
    for (const source of copied)
      assert.ok(allowed.includes(source), `${source} is not in .dockerignore's allowlist`);
  });
});

describe('the compiled layout the image copies', () => {
  it('has the entry points the image and the chart run, and the migrations', () => {
    assert.ok(existsSync(join(DIST, 'src', 'main.js')), 'dist/src/main.js (CMD)');
    assert.ok(
      existsSync(join(DIST, 'src', 'cli', 'main.js')),
      'dist/src/cli/main.js (migration Job, kubectl exec)',
    );
    const migrations = readdirSync(join(DIST, 'migrations')).filter((f) => f.endsWith('.js'));
    const sources = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts'));
    assert.equal(migrations.length, sources.length, 'every migration is compiled into dist/migrations');
  });

  it('finds package.json beside dist/, as src/version.ts expects', async () => {
    const { SERVICE_VERSION } = await import(join(DIST, 'src', 'version.js'));
    const pkg = JSON.parse(readFileSync(join(DIST, '..', 'package.json'), 'utf8')) as { version: string };
    assert.equal(SERVICE_VERSION, pkg.version);
  });

  it('runs the CLI the migration Job uses from any working directory', () => {
    const result = spawnSync(process.execPath, [join(DIST, 'src', 'cli', 'main.js'), 'migrate', '--help'], {
      cwd: tmpdir(),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Usage: tesorio-mcp migrate/);
  });

  it('needs only "dependencies" at run time (npm ci --omit=dev is enough)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const missing = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry.endsWith('.js') && !entry.endsWith('.spec.js')) {
          const code = readFileSync(path, 'utf8');
          for (const [, specifier = ''] of code.matchAll(
            /\b(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)/g,
          )) {
            const name = specifier.startsWith('@')
              ? specifier.split('/').slice(0, 2).join('/')
              : specifier.split('/')[0];
            if (!builtins.has(specifier) && !builtins.has(name) && !(name in pkg.dependencies)) {
              missing.add(`${name} (${relative(DIST, path)})`);
            }
          }
        }
      }
    };
    walk(join(DIST, 'src'));
    walk(join(DIST, 'migrations'));
    assert.deepEqual([...missing], [], 'packages the service loads that are not production dependencies');
  });
});
