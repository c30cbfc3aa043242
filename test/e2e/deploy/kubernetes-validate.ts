import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

/**
 * Offline validation of rendered manifests against the Kubernetes API schemas. The models of the
 * `kubernetes-models` package (and `@kubernetes-models/prometheus-operator` for the ServiceMonitor
 * CRD) carry validators compiled from the official OpenAPI documents: `new Deployment(obj).validate()`
 * throws on a wrong type, a missing required field, a wrong apiVersion or kind, a bad format.
 *
 * Those OpenAPI schemas do not forbid unknown properties, so `readinesProbe:` (a typo) would pass,
 * while the API server's strict field validation (kubectl's default) refuses it. The validators read
 * every property their schema declares, and every key of a map-typed field (labels, data), so
 * validation runs through a proxy that records what it read: a field nobody read is not in the
 * schema and fails the object as unknown.
 */

interface Validatable {
  validate(): void;
}

/** A model class: constructed from the object it checks (typed per kind, hence `never` here). */
type ModelClass = new (data: never) => Validatable;

/** The model for each `apiVersion/kind` the chart may render. A kind missing here fails validation. */
export const KUBERNETES_MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

interface Manifest {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
}

/** `Kind/name` for messages. */
export function describeObject(object: Manifest): string {
  const name = object.metadata?.name;
  return `${String(object.kind)}/${typeof name === 'string' ? name : '<no name>'}`;
}

type ReadLog = Map<string, Set<string>>;

/** Wraps value so that every own property read is logged under its JSON-pointer path ('data/spec'). */
function tracked<T>(value: T, path: string, reads: ReadLog): T {
  if (value === null || typeof value !== 'object') return value;
  const seen = new Set<string>();
  reads.set(path, seen);
  return new Proxy(value, {
    get(target, key, receiver): unknown {
      const result: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return result;
      seen.add(key);
      return tracked(result, `${path}/${key}`, reads);
    },
  });
}

/** Paths of the fields the validator never looked at, depth first. */
function unreadFields(value: unknown, path: string, reads: ReadLog, found: string[]): string[] {
  if (value === null || typeof value !== 'object') return found;
  const seen = reads.get(path);
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (seen?.has(key)) unreadFields(child, `${path}/${key}`, reads, found);
    else found.push(`${path}/${key}`);
  }
  return found;
}

/**
 * Validates one manifest with the model for its apiVersion and kind; throws an Error naming the
 * object and the first schema violation (ajv's `data/<path> <message>`), every unknown field, or the
 * missing model.
 */
export function validateKubernetesObject(object: Manifest): void {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const Model = KUBERNETES_MODELS[key];
  if (!Model) {
    throw new Error(
      `${describeObject(object)}: no schema model for apiVersion/kind "${key}"; ` +
        'add it to KUBERNETES_MODELS in test/e2e/deploy/kubernetes-validate.ts',
    );
  }
  const model = new Model(object as never);
  const reads: ReadLog = new Map();
  try {
    tracked(model, 'data', reads).validate();
  } catch (error) {
    throw new Error(`${describeObject(object)} (${key}): ${(error as Error).message}`, { cause: error });
  }
  const unknown = unreadFields(model, 'data', reads, []);
  if (unknown.length > 0) {
    throw new Error(`${describeObject(object)} (${key}): unknown field(s) ${unknown.join(', ')}`);
  }
}

/** Validates every manifest; returns one message per invalid object (empty when all are valid). */
export function kubernetesSchemaViolations(objects: Manifest[]): string[] {
  return objects.flatMap((object) => {
    try {
      validateKubernetesObject(object);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}
