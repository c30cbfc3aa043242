import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { EnvironmentVariables, validateEnvironment } from '../../../src/config/env.schema';
import {
  CHART_DIR,
  NAMESPACE,
  RELEASE,
  at,
  find,
  get,
  helm,
  installNotes,
  render,
  templateRaw,
} from './chart-render';
import type { K8sObject, ValuesInput } from './chart-render';

/**
 * The Helm chart, rendered by the real helm (test/e2e/deploy/helm-binary.ts): lint, what each CI
 * scenario (helm/tesorio-mcp/ci/*-values.yaml) produces, and the values that must be refused.
 */

const FULLNAME = `${RELEASE}-tesorio-mcp`;
const CI_FILES = readdirSync(join(CHART_DIR, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .map((f) => `ci/${f}`)
  .sort();
const HTTPS = { 'config.publicUrl': 'https://mcp.example.com' };
const PG = { 'database.url': 'postgres://tesorio:secret@db:5432/tesorio' };
const REDIS = { 'redis.url': 'redis://redis:6379' };

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
  periodSeconds: number;
  failureThreshold: number;
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: { name: string; emptyDir?: unknown }[];
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
}

function podSpecOf(object: K8sObject): PodSpec {
  return object.kind === 'Pod' ? at<PodSpec>(object, 'spec') : at<PodSpec>(object, 'spec.template.spec');
}

function server(objects: K8sObject[]): Container {
  return podSpecOf(get(objects, 'Deployment', FULLNAME)).containers[0];
}

/** The environment the server container gets: ConfigMap, then env (secret refs replaced by samples). */
function serverEnvironment(objects: K8sObject[]): Record<string, string> {
  const container = server(objects);
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) continue;
    const configMap = get(objects, 'ConfigMap', source.configMapRef.name);
    Object.assign(env, at<Record<string, string>>(configMap, 'data'));
  }
  const samples: Record<string, string> = {
    DATABASE_URL: 'postgres://tesorio:secret@db:5432/tesorio',
    REDIS_URL: 'redis://redis:6379',
  };
  for (const entry of container.env ?? []) {
    env[entry.name] = entry.value ?? samples[entry.name] ?? `<secret ${entry.name}>`;
  }
  return env;
}

function failure(values: ValuesInput): string {
  const result = templateRaw(values);
  assert.notEqual(result.status, 0, `helm template should have failed; it rendered:\n${result.stdout}`);
  return result.stderr;
}

describe('Helm chart helm/tesorio-mcp', () => {
  it('deploys the version in package.json (Chart.yaml appVersion)', () => {
    const pkg = JSON.parse(readFileSync(join(CHART_DIR, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const chart = readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8');
    const appVersion = /^appVersion: ['"]?([^'"\s]+)['"]?$/m.exec(chart)?.[1];
    assert.equal(appVersion, pkg.version);
  });

  it('documents every value in values.yaml with a "# --" comment (on it or on its parent)', () => {
    const lines = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8').split('\n');
    const documented: { indent: number; yes: boolean }[] = [];
    const missing: string[] = [];
    lines.forEach((line, i) => {
      const key = /^(\s*)([A-Za-z][\w.-]*):/.exec(line);
      if (!key) return;
      const indent = key[1].length;
      while (documented.length > 0 && documented[documented.length - 1].indent >= indent) documented.pop();
      let j = i - 1;
      while (j >= 0 && /^\s*#(?! --)/.test(lines[j])) j--; // continuation lines of a comment
      const here = j >= 0 && /^\s*# -- \S/.test(lines[j]);
      const parentDocumented = documented.some((d) => d.yes);
      const isLeaf = !/:\s*$/.test(line);
      if (isLeaf && !here && !parentDocumented) missing.push(`line ${i + 1}: ${line.trim()}`);
      documented.push({ indent, yes: here || parentDocumented });
    });
    assert.deepEqual(missing, [], 'values without a "# --" description');
  });

  it('refuses unknown keys at every level of values.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as unknown;
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as {
        properties?: Record<string, unknown>;
        additionalProperties?: unknown;
        items?: unknown;
      };
      if (n.properties) {
        if (n.additionalProperties !== false) open.push(path || '(root)');
        for (const [key, child] of Object.entries(n.properties)) walk(child, `${path}.${key}`);
      }
      walk(n.items, `${path}[]`);
      if (n.additionalProperties && typeof n.additionalProperties === 'object') {
        walk(n.additionalProperties, `${path}.*`);
      }
    };
    walk(schema, '');
    assert.deepEqual(open, [], 'objects in the schema that accept any key');
  });

  for (const file of CI_FILES) {
    it(`passes helm lint --strict with ${file}`, () => {
      const result = helm(['lint', CHART_DIR, '--strict', '-f', join(CHART_DIR, file)]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('every CI scenario renders a deployment SREs can trust', () => {
  for (const file of CI_FILES) {
    describe(file, () => {
      let objects: K8sObject[];
      before(() => {
        objects = render({ files: [file] });
      });

      it('runs every pod restricted: non-root, read-only root, no privilege escalation, ALL dropped, seccomp', () => {
        const workloads = objects.filter((o) => ['Deployment', 'Job', 'Pod'].includes(o.kind));
        assert.ok(workloads.length >= 2, 'the Deployment and the helm test pod at least');
        for (const workload of workloads) {
          const spec = podSpecOf(workload);
          const where = `${workload.kind}/${workload.metadata.name}`;
          assert.equal(spec.securityContext?.runAsNonRoot, true, where);
          assert.deepEqual(spec.securityContext?.seccompProfile, { type: 'RuntimeDefault' }, where);
          assert.equal(spec.automountServiceAccountToken, false, where);
          for (const container of spec.containers) {
            const sc = container.securityContext ?? {};
            assert.equal(sc.allowPrivilegeEscalation, false, where);
            assert.equal(sc.readOnlyRootFilesystem, true, where);
            assert.ok((at<string[]>(sc, 'capabilities.drop') ?? []).includes('ALL'), where);
            const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
            assert.ok(tmp, `${where}: /tmp must be writable with a read-only root`);
            assert.ok(
              spec.volumes?.find((v) => v.name === tmp.name)?.emptyDir,
              `${where}: /tmp is an emptyDir`,
            );
          }
        }
      });

      it('probes the public port: startup and liveness on /health/live, readiness on /health/ready', () => {
        const c = server(objects);
        assert.deepEqual(c.startupProbe?.httpGet, { path: '/health/live', port: 'http' });
        assert.deepEqual(c.livenessProbe?.httpGet, { path: '/health/live', port: 'http' });
        assert.deepEqual(c.readinessProbe?.httpGet, { path: '/health/ready', port: 'http' });
        assert.deepEqual(
          c.ports?.map((p) => p.name),
          ['http', 'admin'],
        );
      });

      it('pauses before SIGTERM for the readiness period and allows the drain to finish', () => {
        const c = server(objects);
        const command = c.lifecycle?.preStop?.exec?.command ?? [];
        assert.equal(command[0], '/bin/sleep');
        const preStop = Number(command[1]);
        const readiness = c.readinessProbe!;
        assert.ok(preStop >= readiness.periodSeconds, `preStop ${preStop}s < readiness period`);
        const grace = podSpecOf(get(objects, 'Deployment', FULLNAME)).terminationGracePeriodSeconds!;
        const drain = Math.ceil(Number(serverEnvironment(objects).SHUTDOWN_GRACE_MS) / 1000);
        assert.ok(grace > preStop + drain, `terminationGracePeriodSeconds ${grace} <= ${preStop} + ${drain}`);
      });

      it("gives the server only settings the service's own schema accepts", () => {
        const env = serverEnvironment(objects);
        const known = new Set([
          ...Object.keys(new EnvironmentVariables()),
          'PUBLIC_URL',
          'DATABASE_URL',
          'MIGRATIONS_RUN',
          'SEED_DEMO_DATA',
          'REDIS_URL',
          'NODE_OPTIONS', // read by Node itself
        ]);
        assert.deepEqual(
          Object.keys(env).filter((k) => !known.has(k)),
          [],
          'variables the service does not read',
        );
        const config = validateEnvironment(env); // throws ConfigurationError naming the bad variable
        assert.equal(config.NODE_ENV, 'production');
        assert.equal(config.HOST, '0.0.0.0');
        assert.equal(config.ADMIN_HOST, '0.0.0.0');
        assert.ok(config.PUBLIC_URL?.startsWith('https://'));
        // The heap limit bench/mcp.bench.ts measures the service with (CHART_NODE_OPTIONS).
        assert.equal(env.NODE_OPTIONS, '--max-old-space-size=160');
      });

      it('keeps the admin port off the public Service and the Ingress', () => {
        const publicService = get(objects, 'Service', FULLNAME);
        assert.deepEqual(
          at<{ targetPort: string }[]>(publicService, 'spec.ports').map((p) => p.targetPort),
          ['http'],
        );
        const admin = get(objects, 'Service', `${FULLNAME}-admin`);
        assert.equal(at(admin, 'spec.type'), 'ClusterIP');
        assert.deepEqual(
          at<{ targetPort: string }[]>(admin, 'spec.ports').map((p) => p.targetPort),
          ['admin'],
        );
        const ingress = find(objects, 'Ingress');
        if (ingress) {
          const backends = at<{ http: { paths: { backend: { service: unknown } }[] } }[]>(
            ingress,
            'spec.rules',
          ).flatMap((rule) => rule.http.paths.map((p) => p.backend.service));
          assert.ok(backends.length > 0);
          for (const backend of backends)
            assert.deepEqual(backend, { name: FULLNAME, port: { name: 'http' } });
          assert.ok(at<unknown[]>(ingress, 'spec.tls').length > 0, 'the Ingress terminates TLS');
        }
      });

      it('has a helm test pod that checks readiness and the MCP resource in the metadata', () => {
        const pod = get(objects, 'Pod', `${FULLNAME}-test`);
        assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
        const container = podSpecOf(pod).containers[0];
        const script = container.args?.join(' ') ?? '';
        assert.match(script, /\/health\/ready/);
        assert.match(script, /\/\.well-known\/oauth-protected-resource\/v1\/mcp/);
        assert.match(script, /\.resource/);
        const expected = container.env?.find((e) => e.name === 'EXPECTED_RESOURCE')?.value;
        assert.equal(expected, `${serverEnvironment(objects).PUBLIC_URL}/v1/mcp`);
      });
    });
  }
});

describe('scenario specifics', () => {
  it('single replica: no PDB, no HPA, a migration hook Job ordered after its own Secret', () => {
    const objects = render({ files: ['ci/single-replica-values.yaml'] });
    assert.equal(find(objects, 'PodDisruptionBudget'), undefined);
    assert.equal(find(objects, 'HorizontalPodAutoscaler'), undefined);
    assert.equal(at(get(objects, 'Deployment', FULLNAME), 'spec.replicas'), 1);

    const job = get(objects, 'Job', `${FULLNAME}-migrate`);
    const hook = job.metadata.annotations ?? {};
    assert.equal(hook['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.equal(hook['helm.sh/hook-delete-policy'], 'before-hook-creation,hook-succeeded');
    const container = podSpecOf(job).containers[0];
    assert.deepEqual(container.args, ['node', 'dist/src/cli/main.js', 'migrate']);
    const url = container.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
    const hookSecret = get(objects, 'Secret', `${FULLNAME}-migrate`);
    assert.equal(url?.name, hookSecret.metadata.name);
    const weight = (o: K8sObject): number => Number(o.metadata.annotations?.['helm.sh/hook-weight']);
    assert.ok(weight(hookSecret) < weight(job), 'the Secret the Job reads is created first');
    assert.equal(hookSecret.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.equal(serverEnvironment(objects).MIGRATIONS_RUN, 'false', 'the Job migrates, not each pod');
  });

  it('HA with an existing Secret: PDB, spread, NetworkPolicy with the admin selector, ServiceMonitor', () => {
    const objects = render({ files: ['ci/ha-redis-existing-secret-values.yaml'] });
    assert.equal(at(get(objects, 'Deployment', FULLNAME), 'spec.replicas'), 3);
    assert.equal(at(get(objects, 'PodDisruptionBudget', FULLNAME), 'spec.maxUnavailable'), 1);
    assert.equal(find(objects, 'Secret', FULLNAME), undefined, 'no chart Secret: URLs come from yours');
    const env = server(objects).env ?? [];
    assert.deepEqual(
      env.map((e) => [e.name, e.valueFrom?.secretKeyRef.name]),
      [
        ['DATABASE_URL', 'tesorio-mcp-connections'],
        ['REDIS_URL', 'tesorio-mcp-connections'],
      ],
    );
    // The Job reads the existing Secret directly, so no hook Secret holds a copy.
    assert.equal(find(objects, 'Secret', `${FULLNAME}-migrate`), undefined);
    const spread = at<{ topologyKey: string }[]>(
      get(objects, 'Deployment', FULLNAME),
      'spec.template.spec.topologySpreadConstraints',
    );
    assert.deepEqual(
      spread.map((s) => s.topologyKey),
      ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
    );

    const policy = get(objects, 'NetworkPolicy', FULLNAME);
    type Rule = { ports: { port: string | number; protocol: string }[]; from?: unknown[]; to?: unknown[] };
    const ingress = at<Rule[]>(policy, 'spec.ingress');
    const publicRule = ingress.find((r) => r.ports.some((p) => p.port === 'http'))!;
    assert.deepEqual(publicRule.from?.[0], {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    });
    const adminRule = ingress.find((r) => r.ports.some((p) => p.port === 'admin'))!;
    assert.deepEqual(adminRule.from, [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
      { podSelector: { matchLabels: { 'tesorio-mcp/admin-client': 'true' } } },
    ]);
    assert.ok(
      !adminRule.ports.some((p) => p.port === 'http') && !publicRule.ports.some((p) => p.port === 'admin'),
      'each port has its own peers',
    );
    const egress = at<Rule[]>(policy, 'spec.egress');
    const egressPorts = egress.flatMap((r) => r.ports.map((p) => `${p.port}/${p.protocol}`));
    for (const port of ['53/UDP', '53/TCP', '5432/TCP', '6379/TCP', '443/TCP']) {
      assert.ok(egressPorts.includes(port), `egress ${port}`);
    }
    const https = egress.find((r) => r.ports.some((p) => p.port === 443))!;
    assert.deepEqual(at<string[]>(https.to?.[0], 'ipBlock.except'), [
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '169.254.0.0/16',
      '100.64.0.0/10',
    ]);
    const database = egress.find((r) => r.ports.some((p) => p.port === 5432))!;
    assert.deepEqual(database.to, [{ ipBlock: { cidr: '10.20.0.0/16' } }]);

    const monitor = get(objects, 'ServiceMonitor', FULLNAME);
    assert.deepEqual(at(monitor, 'spec.endpoints'), [
      { port: 'admin', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
    const selector = at<Record<string, string>>(monitor, 'spec.selector.matchLabels');
    const matches = (o: K8sObject): boolean =>
      Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v);
    assert.ok(matches(get(objects, 'Service', `${FULLNAME}-admin`)), 'selects the admin Service');
    assert.ok(!matches(get(objects, 'Service', FULLNAME)), 'never the public Service');
    assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');

    const ingressObject = get(objects, 'Ingress', FULLNAME);
    const annotations = ingressObject.metadata.annotations ?? {};
    assert.equal(annotations['nginx.ingress.kubernetes.io/proxy-buffering'], 'off');
    assert.equal(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'], '3600');
    assert.equal(annotations['cert-manager.io/cluster-issuer'], 'letsencrypt');
    assert.equal(
      serverEnvironment(objects).PUBLIC_URL,
      'https://mcp.tesorio.example',
      'from the Ingress host',
    );
  });

  it('HPA: the autoscaler owns the replica count, and the PDB follows its minimum', () => {
    const objects = render({ files: ['ci/hpa-values.yaml'] });
    const hpa = get(objects, 'HorizontalPodAutoscaler', FULLNAME);
    assert.equal(at(hpa, 'spec.minReplicas'), 2);
    assert.equal(at(hpa, 'spec.maxReplicas'), 8);
    assert.deepEqual(at(hpa, 'spec.scaleTargetRef'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: FULLNAME,
    });
    assert.equal(at(get(objects, 'Deployment', FULLNAME), 'spec.replicas'), undefined);
    assert.ok(find(objects, 'PodDisruptionBudget'));
    assert.match(server(objects).lifecycle?.preStop?.exec?.command[1] ?? '', /^15$/);
    assert.match(
      at<string>(get(objects, 'Deployment', FULLNAME), 'spec.template.spec.containers.0.image'),
      /@sha256:/,
    );

    const minOne = render({ files: ['ci/hpa-values.yaml'], set: { 'autoscaling.minReplicas': 1 } });
    assert.equal(find(minOne, 'PodDisruptionBudget'), undefined, 'a budget over one pod blocks node drains');
  });

  it('embedded evaluation: one pod, Recreate, a data volume, no migration Job, no PDB', () => {
    const objects = render({ files: ['ci/embedded-evaluation-values.yaml'] });
    const deployment = get(objects, 'Deployment', FULLNAME);
    assert.equal(at(deployment, 'spec.strategy.type'), 'Recreate');
    assert.ok(server(objects).volumeMounts?.some((m) => m.mountPath === '/data'));
    assert.equal(serverEnvironment(objects).DATA_DIR, '/data');
    assert.equal(serverEnvironment(objects).MIGRATIONS_RUN, 'true');
    assert.equal(find(objects, 'Job'), undefined);
    assert.equal(find(objects, 'PodDisruptionBudget'), undefined);
  });

  it('renders large numbers as integers the service can parse (not 2.592e+06)', () => {
    const env = serverEnvironment(render({ set: HTTPS }));
    assert.equal(env.REFRESH_TOKEN_IDLE_TTL_SECONDS, '2592000');
    assert.equal(env.REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS, '7776000');
  });

  it("defaults to the service's own defaults except where Kubernetes needs otherwise", () => {
    const env = serverEnvironment(render({ set: { ...HTTPS, ...PG } }));
    const chart = validateEnvironment(env);
    const service = validateEnvironment({ DATABASE_URL: env.DATABASE_URL, PUBLIC_URL: env.PUBLIC_URL });
    const deliberate = [
      'NODE_ENV',
      'HOST',
      'ADMIN_HOST',
      'TRUST_PROXY_HOPS',
      'MIGRATIONS_RUN',
      'SEED_DEMO_DATA',
    ];
    const differences = Object.keys(new EnvironmentVariables())
      .filter((key) => !deliberate.includes(key))
      .filter(
        (key) =>
          JSON.stringify(chart[key as keyof EnvironmentVariables]) !==
          JSON.stringify(service[key as keyof EnvironmentVariables]),
      );
    assert.deepEqual(differences, [], 'values.yaml defaults that drifted from src/config/env.schema.ts');
    assert.equal(chart.TRUST_PROXY_HOPS, 1, 'the ingress controller is one trusted hop');
    assert.equal(chart.SEED_DEMO_DATA, false, 'never demo accounts by default');
  });
});

describe('values the chart refuses, with a message that says what to do', () => {
  it('more than one replica without an external PostgreSQL', () => {
    const message = failure({ set: { ...HTTPS, ...REDIS, replicaCount: 2 } });
    assert.match(message, /VALUES VALIDATION/);
    assert.match(
      message,
      /More than one pod \(replicaCount=2, autoscaling.enabled=false\) needs an external PostgreSQL/,
    );
    assert.match(
      message,
      /Set database.existingSecret.name \(a Secret holding DATABASE_URL\) or database.url/,
    );
    assert.doesNotMatch(message, /needs Redis/);
  });

  it('more than one replica without Redis, explaining rate limits and the legacy SSE transport', () => {
    const message = failure({ set: { ...HTTPS, ...PG, replicaCount: 2 } });
    assert.match(message, /needs Redis/);
    assert.match(message, /Rate limits and sign-in throttles are counted in Redis/);
    assert.match(message, /legacy SSE transport/);
    assert.match(message, /Set redis.existingSecret.name \(a Secret holding REDIS_URL\) or redis.url/);
    assert.doesNotMatch(message, /external PostgreSQL/);
  });

  it('autoscaling without Redis, even when its minimum is one pod', () => {
    const message = failure({
      set: { ...HTTPS, ...PG, 'autoscaling.enabled': true, 'autoscaling.minReplicas': 1 },
    });
    assert.match(message, /autoscaling.enabled=true\) needs Redis/);
  });

  it('both problems at once are both reported', () => {
    const message = failure({ set: { ...HTTPS, replicaCount: 3 } });
    assert.match(message, /needs an external PostgreSQL/);
    assert.match(message, /needs Redis/);
  });

  it('no public URL and no Ingress host', () => {
    const message = failure({});
    assert.match(message, /tesorio-mcp: config.publicUrl/);
    assert.match(message, /users connect to\s+<publicUrl>\/v1\/mcp/);
  });

  it('a plain-http public URL (the schema insists on https)', () => {
    const message = failure({ set: { 'config.publicUrl': 'http://mcp.example.com' } });
    assert.match(message, /\/config\/publicUrl/);
  });

  it('a termination grace period shorter than the preStop pause plus the drain', () => {
    const message = failure({ set: { ...HTTPS, terminationGracePeriodSeconds: 20 } });
    assert.match(
      message,
      /terminationGracePeriodSeconds \(20\) must be greater than lifecycle.preStopSleepSeconds \(10\) \+ config.shutdownGraceMs \(10 s\)/,
    );
  });

  it('a heap limit too small for the service, while 0 leaves Node its own', () => {
    assert.match(failure({ set: { ...HTTPS, heapLimitMb: 32 } }), /heapLimitMb/);
    const objects = render({ set: { ...HTTPS, heapLimitMb: 0 } });
    assert.equal(serverEnvironment(objects).NODE_OPTIONS, undefined);
  });

  it('a preStop pause shorter than the readiness period', () => {
    const message = failure({ set: { ...HTTPS, 'lifecycle.preStopSleepSeconds': 2 } });
    assert.match(
      message,
      /lifecycle.preStopSleepSeconds \(2\) must be at least probes.readiness.periodSeconds \(5\)/,
    );
  });

  it('an extra variable that the chart already sets', () => {
    const message = failure({
      set: { ...HTTPS, 'config.extraEnv[0].name': 'PUBLIC_URL', 'config.extraEnv[0].value': 'x' },
    });
    assert.match(message, /PUBLIC_URL is set by the chart from its own values/);
  });

  for (const [key, value, where] of [
    ['replicas', '2', "at '': additional properties 'replicas' not allowed"],
    ['ingress.tsl', 'x', "at '/ingress': additional properties 'tsl' not allowed"],
    [
      'database.existingSecret.nmae',
      'db',
      "at '/database/existingSecret': additional properties 'nmae' not allowed",
    ],
    ['networkPolicy.admin.form', 'x', "at '/networkPolicy/admin': additional properties 'form' not allowed"],
  ] as const) {
    it(`a misspelled key: ${key} (helm template and helm lint)`, () => {
      const values = { set: { ...HTTPS, [key]: value } };
      assert.ok(failure(values).includes(where), failure(values));
      const lint = helm([
        'lint',
        CHART_DIR,
        '--strict',
        '--set',
        `${key}=${value}`,
        ...['--set', `config.publicUrl=${HTTPS['config.publicUrl']}`],
      ]);
      assert.notEqual(lint.status, 0, 'helm lint must fail too');
      assert.ok(
        (lint.stdout + lint.stderr).includes(`additional properties '${key.split('.').pop()}' not allowed`),
      );
    });
  }
});

describe('NOTES.txt', () => {
  it('tells the SRE the MCP URL, how to reach the admin port, and how to create an admin key', () => {
    const notes = installNotes({ files: ['ci/ha-redis-existing-secret-values.yaml'] });
    assert.match(notes, /^\s+https:\/\/mcp\.tesorio\.example\/v1\/mcp$/m);
    assert.ok(notes.includes(`kubectl -n ${NAMESPACE} port-forward svc/${FULLNAME}-admin 3001:3001`), notes);
    assert.ok(
      notes.includes(
        `kubectl -n ${NAMESPACE} exec -it deploy/${FULLNAME} -- node dist/src/cli/main.js admin-key create`,
      ),
      notes,
    );
    assert.ok(notes.includes(`helm test ${RELEASE} -n ${NAMESPACE}`));
    assert.doesNotMatch(notes, /WARNING/);
  });

  it('warns about the embedded database and public demo accounts', () => {
    const notes = installNotes({ files: ['ci/embedded-evaluation-values.yaml'] });
    assert.match(notes, /https:\/\/mcp-demo\.example\.com\/v1\/mcp/);
    assert.match(notes, /WARNING: no PostgreSQL configured/);
    assert.match(notes, /WARNING: config.seedDemoData=true/);
    assert.match(notes, /No Ingress was created/);
  });
});
