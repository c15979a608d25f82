/**
 * What the Kubernetes API server and Agones' admission webhook refuse, for the fake Kubernetes API. Each rule
 * names its source; a refused object never reaches the store.
 */

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

// apimachinery validation.IsDNS1123Subdomain: object names such as PersistentVolumeClaims, at most 253 characters.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// apimachinery resource.ParseQuantity: a decimal number with an optional binary or decimal SI suffix.
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
// core/v1 PersistentVolumeAccessMode values.
const ACCESS_MODES = new Set(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod']);
// Agones CRD (install/helm/agones/templates/crds/_gameserverspecschema.yaml): port protocol and policy enums.
const PROTOCOLS = new Set(['UDP', 'TCP', 'TCPUDP']);
const PORT_POLICIES = new Set(['Dynamic', 'Static', 'Passthrough', 'None']);

/** Messages of Agones' GameServerSpec.Validate (pkg/apis/agones/v1/gameserver.go). */
export const AGONES_ERRORS = {
  containerRequired: 'Container is required when using multiple containers in the pod template',
  containerPortRequired: 'ContainerPort must be defined for Dynamic and Static portPolicies',
  hostPort: 'HostPort cannot be specified with a Dynamic or Passthrough PortPolicy',
  containerNameInvalid: 'Container must be empty or the name of a container in the pod template',
};

/** Problems Agones' webhook (and the CRD schema) find in a GameServer; [] when it is admitted. */
export function gameServerProblems(gs: Raw): string[] {
  const problems: string[] = [];
  const spec = isObject(gs.spec) ? gs.spec : {};
  const template = isObject(spec.template) ? spec.template : {};
  const podSpec = isObject(template.spec) ? template.spec : {};
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers.filter(isObject) : [];
  if (containers.length === 0) {
    problems.push('spec.template.spec.containers: Required value');
  }
  const names = containers.map((c) => c.name);
  const container = typeof spec.container === 'string' ? spec.container : '';
  if (container === '' && containers.length > 1) {
    problems.push(`container: ${AGONES_ERRORS.containerRequired}`);
  }
  if (container !== '' && !names.includes(container)) {
    problems.push(`container: Could not find a container named ${container}`);
  }
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  ports.forEach((port: unknown, i) => {
    const p = isObject(port) ? port : {};
    const label = typeof p.name === 'string' ? p.name : `ports[${i}]`;
    const policy = p.portPolicy ?? 'Dynamic';
    if (!PORT_POLICIES.has(String(policy))) {
      problems.push(`spec.ports[${i}].portPolicy: Unsupported value: "${String(policy)}"`);
    }
    if (p.protocol !== undefined && !PROTOCOLS.has(String(p.protocol))) {
      problems.push(`spec.ports[${i}].protocol: Unsupported value: "${String(p.protocol)}": supported values: "UDP", "TCP", "TCPUDP"`);
    }
    if ((policy === 'Dynamic' || policy === 'Static') && !(Number(p.containerPort) > 0)) {
      problems.push(`${label}.containerPort: ${AGONES_ERRORS.containerPortRequired}`);
    }
    if ((policy === 'Dynamic' || policy === 'Passthrough') && Number(p.hostPort) > 0) {
      problems.push(`${label}.hostPort: ${AGONES_ERRORS.hostPort}`);
    }
    if (typeof p.container === 'string' && container !== '' && !names.includes(p.container)) {
      problems.push(`${label}.container: ${AGONES_ERRORS.containerNameInvalid}`);
    }
  });
  for (const c of containers) {
    problems.push(...containerProblems(c));
  }
  const volumes = Array.isArray(podSpec.volumes) ? podSpec.volumes.filter(isObject) : [];
  const volumeNames = new Set(volumes.map((v) => v.name));
  for (const c of containers) {
    for (const mount of Array.isArray(c.volumeMounts) ? c.volumeMounts.filter(isObject) : []) {
      // core/v1 validation: every volumeMount names a volume of the pod, at an absolute path.
      if (!volumeNames.has(mount.name)) {
        problems.push(`spec.template.spec.containers[${String(c.name)}].volumeMounts.name: Not found: "${String(mount.name)}"`);
      }
      if (typeof mount.mountPath !== 'string' || !mount.mountPath.startsWith('/')) {
        problems.push(`spec.template.spec.containers[${String(c.name)}].volumeMounts.mountPath: Invalid value: must be an absolute path`);
      }
    }
  }
  return problems;
}

function containerProblems(c: Raw): string[] {
  const problems: string[] = [];
  const name = String(c.name ?? '');
  // core/v1 validation: container names are DNS-1123 labels; env names are C identifiers (or dotted/dashed).
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    problems.push(`spec.template.spec.containers.name: Invalid value: "${name}"`);
  }
  if (typeof c.image !== 'string' || c.image.trim() === '') {
    problems.push(`spec.template.spec.containers[${name}].image: Required value`);
  }
  for (const env of Array.isArray(c.env) ? c.env : []) {
    const e = isObject(env) ? env : {};
    if (typeof e.name !== 'string' || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(e.name)) {
      problems.push(`spec.template.spec.containers[${name}].env.name: Invalid value: "${String(e.name)}"`);
    }
    if (e.value !== undefined && typeof e.value !== 'string') {
      problems.push(`spec.template.spec.containers[${name}].env[${String(e.name)}].value: must be a string`);
    }
  }
  const resources = isObject(c.resources) ? c.resources : {};
  const requests = isObject(resources.requests) ? resources.requests : {};
  const limits = isObject(resources.limits) ? resources.limits : {};
  for (const kind of ['cpu', 'memory']) {
    for (const [where, value] of [
      ['requests', requests[kind]],
      ['limits', limits[kind]],
    ] as const) {
      if (value !== undefined && (typeof value !== 'string' || !QUANTITY.test(value))) {
        problems.push(`spec.template.spec.containers[${name}].resources.${where}.${kind}: Invalid value: "${String(value)}"`);
      }
    }
  }
  return problems;
}

/** Problems the API server finds in a PersistentVolumeClaim (core/v1 ValidatePersistentVolumeClaim). */
export function volumeClaimProblems(pvc: Raw): string[] {
  const problems: string[] = [];
  const meta = isObject(pvc.metadata) ? pvc.metadata : {};
  const name = meta.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    problems.push(`metadata.name: Invalid value: "${String(name)}": a lowercase RFC 1123 subdomain`);
  }
  const spec = isObject(pvc.spec) ? pvc.spec : {};
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) {
    problems.push('spec.accessModes: Required value: at least 1 access mode is required');
  }
  for (const mode of modes) {
    if (!ACCESS_MODES.has(String(mode))) {
      problems.push(`spec.accessModes: Unsupported value: "${String(mode)}"`);
    }
  }
  const storage = isObject(spec.resources) && isObject(spec.resources.requests) ? spec.resources.requests.storage : undefined;
  if (storage === undefined) {
    problems.push('spec.resources[storage]: Required value');
  } else if (typeof storage !== 'string' || !QUANTITY.test(storage) || Number.parseFloat(storage) <= 0) {
    problems.push(`spec.resources[storage]: Invalid value: "${String(storage)}": must be greater than zero`);
  }
  return problems;
}
