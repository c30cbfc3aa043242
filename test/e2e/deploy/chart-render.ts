import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinary } from './helm-binary';

/**
 * Renders helm/tesorio-mcp with the real helm and hands the tests plain objects. YAML is parsed by
 * helm itself (no YAML dependency): the rendered documents are fed to a throw-away chart whose only
 * template is `fromYaml | toJson`, so the parser is the same Go YAML library Kubernetes tooling uses.
 */

/** The repository root: where helm/tesorio-mcp is (tests may run from a dist/ outside the checkout). */
export function projectRoot(): string {
  const candidates = [join(__dirname, '..', '..', '..', '..'), process.cwd()];
  const root = candidates.find((dir) => existsSync(join(dir, 'helm', 'tesorio-mcp', 'Chart.yaml')));
  if (!root) throw new Error(`helm/tesorio-mcp not found from ${candidates.join(' or ')}`);
  return root;
}

export const CHART_DIR = join(projectRoot(), 'helm', 'tesorio-mcp');
export const RELEASE = 'ar';
export const NAMESPACE = 'receivables';

/** A rendered Kubernetes object, loosely typed: tests reach into it with the helpers below. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

// Helm keeps caches and config under $HOME; give it a scratch home so tests leave nothing behind.
const helmHome = mkdtempSync(join(tmpdir(), 'tesorio-helm-home-'));
process.once('exit', () => rmSync(helmHome, { recursive: true, force: true }));

export function helm(args: string[]): HelmResult {
  const result = spawnSync(helmBinary(), args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: helmHome,
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
      // Never talk to a cluster, even if the machine has a kubeconfig.
      KUBECONFIG: join(helmHome, 'no-kubeconfig'),
    },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Arguments naming values: files (relative to the chart) and --set pairs. */
export interface ValuesInput {
  files?: string[];
  set?: Record<string, string | number | boolean>;
}

function valuesArgs({ files = [], set = {} }: ValuesInput): string[] {
  return [
    ...files.flatMap((file) => ['-f', join(CHART_DIR, file)]),
    ...Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${String(value)}`]),
  ];
}

export function templateRaw(values: ValuesInput): HelmResult {
  return helm(['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE, ...valuesArgs(values)]);
}

/** `helm template`, failing the test with helm's message if rendering fails. */
export function render(values: ValuesInput): K8sObject[] {
  const result = templateRaw(values);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return yamlDocumentsToObjects(result.stdout);
}

/** The NOTES.txt an install would print (`helm install --dry-run=client` needs no cluster). */
export function installNotes(values: ValuesInput): string {
  const result = helm([
    'install',
    RELEASE,
    CHART_DIR,
    '--namespace',
    NAMESPACE,
    '--dry-run=client',
    ...valuesArgs(values),
  ]);
  if (result.status !== 0) throw new Error(`helm install --dry-run failed:\n${result.stderr}`);
  const at = result.stdout.indexOf('\nNOTES:\n');
  if (at < 0) throw new Error(`no NOTES in:\n${result.stdout}`);
  return result.stdout.slice(at + '\nNOTES:\n'.length);
}

let converterChart: string | undefined;

function converter(): string {
  if (converterChart) return converterChart;
  const dir = mkdtempSync(join(tmpdir(), 'tesorio-yaml-to-json-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: yaml-to-json\nversion: 0.0.0\n');
  writeFileSync(
    join(dir, 'templates', 'json.yaml'),
    [
      '{{- $docs := list }}',
      '{{- range $path, $_ := .Files.Glob "docs/*.yaml" }}',
      '{{- $docs = append $docs ($.Files.Get $path | fromYaml) }}',
      '{{- end }}',
      '{{ dict "docs" $docs | toJson }}',
      '',
    ].join('\n'),
  );
  converterChart = dir;
  return dir;
}

/** Splits a multi-document YAML stream and converts every non-empty document to an object. */
export function yamlDocumentsToObjects(yaml: string): K8sObject[] {
  const documents = yaml
    .split(/^---\s*$/m)
    .filter((doc) => doc.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#')));
  if (documents.length === 0) return [];
  const chart = converter();
  const docsDir = join(chart, 'docs');
  rmSync(docsDir, { recursive: true, force: true });
  mkdirSync(docsDir);
  // Zero-padded names: .Files.Glob iterates in name order, which keeps the documents' order.
  documents.forEach((doc, i) => writeFileSync(join(docsDir, `${String(i).padStart(4, '0')}.yaml`), doc));
  const result = helm(['template', 'convert', chart]);
  if (result.status !== 0) throw new Error(`YAML conversion failed:\n${result.stderr}`);
  const line = result.stdout.split('\n').find((l) => l.startsWith('{"docs":'));
  if (!line) throw new Error(`YAML conversion printed no JSON:\n${result.stdout}`);
  const objects = (JSON.parse(line) as { docs: (K8sObject & { Error?: string })[] }).docs;
  const broken = objects.find((o) => typeof o.Error === 'string');
  if (broken) throw new Error(`a rendered document is not valid YAML: ${broken.Error}`);
  return objects;
}

export function find(objects: K8sObject[], kind: string, nameSuffix = ''): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
}

export function get(objects: K8sObject[], kind: string, nameSuffix = ''): K8sObject {
  const found = find(objects, kind, nameSuffix);
  if (!found) {
    const present = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind} named *${nameSuffix} among ${present}`);
  }
  return found;
}

/** Reads a nested field: at(obj, 'spec.template.spec.containers.0.ports'). */
export function at<T = unknown>(value: unknown, path: string): T {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') {
      throw new Error(`${path}: nothing at "${part}"`);
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current as T;
}
