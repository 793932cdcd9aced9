// The pod model: what rules read. Built by src/model/build.ts from YNode documents (raw or
// kustomize-rendered). Names follow the Kubernetes API; medialint's own concepts (MountOp,
// Listener, Export, mounter, consumer) follow SPEC §1.
import type { Loc, YMap, YNode, YScalar, YSeq } from '../load/ynode.js';

export interface Resource {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  /** The document's root map. */
  node: YMap;
  /** The file that holds the document (for a rendered resource: the file of its base). */
  file: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Kustomize root directory this resource was rendered through, if any. */
  root?: string;
}

export type ContainerSort = 'container' | 'init' | 'sidecar' | 'ephemeral';

export interface Workload {
  /** `Kind/namespace/name` (namespace `-` when unset). */
  id: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  resource: Resource;
  pod: Pod;
  /** Deployment-like strategy (`spec.strategy`), with the spec map to add one to. */
  strategy: { type: string | undefined; node: YMap | undefined; typeNode: YScalar | undefined; specNode: YMap };
}

export interface NodeSelection {
  /** `nodeSelector` map entries. */
  nodeSelector: Record<string, string>;
  nodeSelectorNode: YMap | undefined;
  /** Required node affinity terms, each a list of match expressions. */
  requiredTerms: { key: string; operator: string; values: string[]; node: YNode }[][];
  requiredNode: YNode | undefined;
  affinityNode: YMap | undefined;
  /** Required pod affinity label selectors (matchLabels). */
  requiredPodAffinity: { labels: Record<string, string>; topologyKey: string | undefined }[];
  tolerations: YNode | undefined;
}

export interface Pod {
  workload: Workload;
  /** The pod spec map (`spec.template.spec`, `spec.jobTemplate.spec.template.spec`, ...). */
  specNode: YMap;
  /** The pod template's metadata labels (what Services select). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: Container[];
  volumes: Volume[];
  selection: NodeSelection;
  hostNetwork: boolean;
  runAsUser: number | undefined;
  runAsGroup: number | undefined;
}

export interface Probe {
  node: YMap;
  /** For exec probes: the command words. */
  exec: string[] | undefined;
}

export interface Container {
  pod: Pod;
  name: string;
  sort: ContainerSort;
  /** Index within its list (containers / initContainers / ephemeralContainers). */
  index: number;
  node: YMap;
  image: string | undefined;
  imageNode: YScalar | undefined;
  commandNode: YSeq | undefined;
  argsNode: YSeq | undefined;
  securityContextNode: YMap | undefined;
  privileged: boolean;
  privilegedNode: YScalar | undefined;
  capabilities: string[];
  /** Effective uid/gid (container over pod). */
  runAsUser: number | undefined;
  runAsGroup: number | undefined;
  volumeMounts: VolumeMount[];
  volumeMountsNode: YSeq | undefined;
  ports: { port: number; name: string | undefined; node: YNode }[];
  startupProbe: Probe | undefined;
  livenessProbe: Probe | undefined;
  readinessProbe: Probe | undefined;
  lifecycleNode: YMap | undefined;
  restartPolicy: string | undefined;
  restartPolicyNode: YScalar | undefined;
  resourcesNode: YMap | undefined;
  limits: Record<string, string>;
  requests: Record<string, string>;
  /** What the container's command, args and lifecycle hooks do (src/model/shell). */
  run: RunAnalysis;
}

export interface VolumeMount {
  container: Container;
  node: YMap;
  name: string;
  mountPath: string;
  mountPathNode: YScalar | undefined;
  subPath: string | undefined;
  subPathNode: YScalar | undefined;
  readOnly: boolean;
  /** `mountPropagation` as written (undefined when absent). */
  propagation: string | undefined;
  propagationNode: YScalar | undefined;
  volume: Volume | undefined;
}

export type VolumeType =
  | 'emptyDir' | 'hostPath' | 'persistentVolumeClaim' | 'nfs' | 'csi' | 'ephemeral' | 'configMap'
  | 'secret' | 'projected' | 'downwardAPI' | 'other';

export interface Volume {
  pod: Pod;
  node: YMap;
  name: string;
  type: VolumeType;
  /** The map under the type key (`emptyDir: {…}`), when it is a map. */
  typeNode: YMap | undefined;
  medium: string | undefined;
  hostPath: string | undefined;
  claimName: string | undefined;
  nfs: NfsSource | undefined;
  csiDriver: string | undefined;
}

export interface NfsSource {
  server: string;
  serverNode: YScalar | undefined;
  path: string;
  pathNode: YScalar | undefined;
  /** PersistentVolume `mountOptions` (a kubelet `nfs:` volume cannot have any). */
  mountOptions: string[] | undefined;
  mountOptionsNode: YSeq | undefined;
}

// ---- what a container's commands do ---------------------------------------------------

/** A word of a command line, with its place in the manifest when known exactly. */
export interface Word {
  text: string;
  /** Exact span of this word in its file, when the source maps 1:1 (plain or block scalars). */
  loc: Loc | undefined;
  /** The scalar the word was read from (for edits that rewrite a whole array item). */
  node: YScalar | undefined;
}

export interface Cmd {
  words: Word[];
  /** Runs in the background (`&`, or a `--daemon` rclone). */
  background: boolean;
  /** Inside a loop (`while`, `until`, `for`). */
  inLoop: boolean;
  /** Part of an `if`/`while` condition, or guarded by `!`. */
  inCondition: boolean;
  /** Where it came from: the container's main process or a lifecycle hook. */
  source: 'main' | 'postStart' | 'preStop';
  /** Order of appearance within its source. */
  seq: number;
}

export type FsKind = 'fuse' | 'nfs' | 'cifs' | 'other';

export interface MountOp {
  /** Program that mounts: rclone, mount, sshfs, s3fs, gcsfuse, goofys, mergerfs, juicefs, blobfuse2, or an image mounter. */
  tool: string;
  /** rclone subcommand (mount, nfsmount, cmount, mount2), or `mount -t` type. */
  subcommand: string | undefined;
  fs: FsKind;
  /** The remote or NFS `server:path` being mounted. */
  source: string | undefined;
  target: string;
  targetWord: Word | undefined;
  /** Flags as written, `--flag=value` split into name and value. */
  flags: Flag[];
  /** `-o a,b,c` options, flattened. */
  options: string[];
  allowOther: boolean;
  allowNonEmpty: boolean;
  daemon: boolean;
  cmd: Cmd;
  /** Where to report: the program word. */
  at: Word;
  /** Came from a configured image mounter, not a command. */
  fromImage?: boolean;
}

export interface Flag {
  name: string;
  value: string | undefined;
  word: Word;
  valueWord: Word | undefined;
}

export interface Listener {
  kind: 'rc' | 'rcd' | 'serve' | 'containerPort';
  proto: string | undefined;
  /** Host part: `localhost`, `127.0.0.1`, `` (all interfaces), ... */
  host: string;
  /** null: a random port (rclone serve nfs without --addr). */
  port: number | null;
  /** The address was not written: rclone's default. */
  implicit: boolean;
  /** The `--rc-addr`/`--addr` flag, when written. */
  flag: Flag | undefined;
  cmd: Cmd | undefined;
  at: Word | YNode;
}

export interface Export {
  proto: string;
  /** Directory being served. */
  dir: string;
  listener: Listener | undefined;
  cmd: Cmd;
  at: Word;
}

export interface RunAnalysis {
  cmds: Cmd[];
  mountOps: MountOp[];
  listeners: Listener[];
  exports: Export[];
  /** `mkdir` targets, in order. */
  mkdirs: { path: string; cmd: Cmd }[];
  /** `fusermount -u[z]`, `umount [-l]`. */
  unmounts: { path: string | undefined; lazy: boolean; cmd: Cmd }[];
  /** `mountpoint -q P`, `grep P /proc/mounts`. */
  guards: { path: string; kind: 'mountpoint' | 'proc-mounts'; cmd: Cmd; at: Word }[];
  /** True when medialint could not tell everything the container runs (no command and an unknown image, an opaque script). */
  opaque: boolean;
  /** The main process keeps running (a foreground mount, a server, a loop). */
  longRunning: boolean;
}

// ---- cluster-wide index -----------------------------------------------------------------

export interface Service {
  resource: Resource;
  name: string;
  namespace: string | undefined;
  selector: Record<string, string> | undefined;
  clusterIP: string | undefined;
  clusterIPNode: YScalar | undefined;
  ports: { port: number; targetPort: number | string | undefined; name: string | undefined; node: YNode }[];
  type: string | undefined;
}

export interface PersistentVolume {
  resource: Resource;
  name: string;
  nfs: NfsSource | undefined;
  csiDriver: string | undefined;
  hostPath: string | undefined;
  claimRef: { name: string; namespace: string | undefined } | undefined;
}

export interface PersistentVolumeClaim {
  resource: Resource;
  name: string;
  namespace: string | undefined;
  volumeName: string | undefined;
  storageClassName: string | undefined;
}

export interface Model {
  resources: Resource[];
  workloads: Workload[];
  services: Service[];
  pvs: PersistentVolume[];
  pvcs: PersistentVolumeClaim[];
  /** Documents that cannot be read as the objects they claim to be (input checks only). */
  unreadable?: UnreadableObject[];
}

/**
 * A map document with both `apiVersion` and `kind`, one of them not a string, or a v1 List whose
 * `items` is not a list: the API server cannot decode it, and medialint cannot model it.
 */
export interface UnreadableObject {
  node: YMap;
  file: string;
}
