import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHART_DIR, at, get, render, templateRaw, yamlDocumentsToObjects } from './chart-render';
import type { K8sObject } from './chart-render';
import {
  KUBERNETES_MODELS,
  kubernetesSchemaViolations,
  validateKubernetesObject,
} from './kubernetes-validate';

/**
 * Every object the chart renders for each CI scenario (helm/tesorio-mcp/ci/*.yaml), hooks and the
 * `helm test` pod included, validated offline against the Kubernetes API schemas (and the Prometheus
 * Operator CRD schema for the ServiceMonitor) by test/e2e/deploy/kubernetes-validate.ts.
 */

const CI_FILES = readdirSync(join(CHART_DIR, 'ci'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `ci/${f}`)
  .sort();

function hookOf(object: K8sObject): string | undefined {
  return object.metadata.annotations?.['helm.sh/hook'];
}

/** The chart's template files that produce manifests (not helpers, not NOTES.txt). */
function manifestTemplates(dir = join(CHART_DIR, 'templates'), prefix = 'templates'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return manifestTemplates(join(dir, entry.name), `${prefix}/${entry.name}`);
    return /\.ya?ml$/.test(entry.name) ? [`${prefix}/${entry.name}`] : [];
  });
}

/** A CI scenario's hpa render, the source of the objects the negative tests break. */
function hpaRender(): K8sObject[] {
  return render({ files: ['ci/hpa-values.yaml'] });
}

describe('Kubernetes API schema validation of the rendered chart', () => {
  it('has CI values files to render', () => {
    assert.ok(CI_FILES.length >= 1, `no values files in ${join(CHART_DIR, 'ci')}`);
  });

  for (const file of CI_FILES) {
    it(`${file}: every rendered object, hooks and the helm test pod included, matches its API schema`, () => {
      const objects = render({ files: [file] });
      assert.ok(objects.length > 0, `${file} rendered nothing`);
      assert.ok(
        objects.some((o) => o.kind === 'Pod' && hookOf(o) === 'test'),
        `${file}: the helm test pod is missing from the render`,
      );
      const violations = kubernetesSchemaViolations(objects);
      assert.deepEqual(violations, [], `${file}:\n${violations.join('\n')}`);
    });
  }

  it('the CI values files together render every template, so none escapes validation', () => {
    const rendered = new Set<string>();
    for (const file of CI_FILES) {
      const result = templateRaw({ files: [file] });
      assert.equal(result.status, 0, result.stderr);
      for (const match of result.stdout.matchAll(/^# Source: [^/]+\/(\S+)$/gm)) rendered.add(match[1]);
    }
    const missing = manifestTemplates().filter((template) => !rendered.has(template));
    assert.deepEqual(
      missing,
      [],
      `no ci/*.yaml renders ${missing.join(', ')}: add a CI values file that does`,
    );
  });

  it('the renders include the pre-install/pre-upgrade hooks (migration Job) and validate them too', () => {
    const hooks = CI_FILES.flatMap((file) => render({ files: [file] })).filter((o) => hookOf(o));
    assert.ok(
      hooks.some((o) => o.kind === 'Job' && /pre-install/.test(hookOf(o) ?? '')),
      `no migration hook Job among ${hooks.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
    assert.deepEqual(kubernetesSchemaViolations(hooks), []);
  });
});

describe('the schema validation refuses broken objects', () => {
  it('a container port rendered as a string (YAML edited, re-parsed by helm) fails', () => {
    const result = templateRaw({ files: ['ci/hpa-values.yaml'] });
    assert.equal(result.status, 0, result.stderr);
    const broken = result.stdout.replace(/containerPort: (\d+)/, 'containerPort: "$1"');
    assert.notEqual(broken, result.stdout, 'no containerPort to break in the rendered YAML');
    const deployment = get(yamlDocumentsToObjects(broken), 'Deployment');
    assert.throws(
      () => validateKubernetesObject(deployment),
      /Deployment\/ar-tesorio-mcp .*data\/spec\/template\/spec\/containers\/0\/ports\/0\/containerPort must be integer/,
    );
  });

  it('a Deployment without spec.selector fails', () => {
    const deployment = structuredClone(get(hpaRender(), 'Deployment'));
    delete at<Record<string, unknown>>(deployment, 'spec').selector;
    assert.throws(
      () => validateKubernetesObject(deployment),
      /data\/spec must have required property selector$/,
    );
  });

  it('a misspelled field (readinesProbe) fails as unknown, as the API server strict validation would', () => {
    const deployment = structuredClone(get(hpaRender(), 'Deployment'));
    const container = at<Record<string, unknown>>(deployment, 'spec.template.spec.containers.0');
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    assert.throws(
      () => validateKubernetesObject(deployment),
      /unknown field\(s\) data\/spec\/template\/spec\/containers\/0\/readinesProbe$/,
    );
  });

  it('a wrongly typed field in a hook Job and the helm test pod fails', () => {
    const objects = hpaRender();
    const job = structuredClone(get(objects, 'Job'));
    at<Record<string, unknown>>(job, 'spec').backoffLimit = 'twice';
    assert.throws(() => validateKubernetesObject(job), /data\/spec\/backoffLimit must be integer/);
    const pod = structuredClone(objects.find((o) => o.kind === 'Pod' && hookOf(o) === 'test'));
    assert.ok(pod, 'no helm test pod');
    at<Record<string, unknown>>(pod, 'spec').containers = 'curl';
    assert.throws(() => validateKubernetesObject(pod), /data\/spec\/containers must be array/);
  });

  it('a ServiceMonitor with a malformed scrape interval fails its CRD schema', () => {
    const monitor = structuredClone(
      get(render({ files: ['ci/ha-redis-existing-secret-values.yaml'] }), 'ServiceMonitor'),
    );
    const endpoint = at<Record<string, unknown>>(monitor, 'spec.endpoints.0');
    endpoint.interval = '30 seconds';
    assert.throws(
      () => validateKubernetesObject(monitor),
      /data\/spec\/endpoints\/0\/interval must match pattern/,
    );
  });

  it('a kind or apiVersion without a model fails instead of being skipped', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    assert.throws(
      () => validateKubernetesObject(widget),
      /Widget\/w: no schema model for apiVersion\/kind "example.com\/v1\/Widget"/,
    );
    const hpa = structuredClone(get(hpaRender(), 'HorizontalPodAutoscaler'));
    hpa.apiVersion = 'autoscaling/v2beta2';
    assert.throws(
      () => validateKubernetesObject(hpa),
      /no schema model for apiVersion\/kind "autoscaling\/v2beta2/,
    );
    assert.deepEqual(kubernetesSchemaViolations([widget]).length, 1);
    assert.ok(!('example.com/v1/Widget' in KUBERNETES_MODELS));
  });

  it('a model refuses an object whose kind does not match it', () => {
    const service = structuredClone(get(hpaRender(), 'Service'));
    const asDeployment = { ...service, apiVersion: 'apps/v1', kind: 'Deployment' };
    assert.throws(() => validateKubernetesObject(asDeployment), /Deployment\/.*: data\/spec/);
  });
});
