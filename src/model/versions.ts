// Version questions rules ask: which release an image is pinned to, and which Kubernetes
// the config says the cluster runs.

export interface ImageRef {
  /** Repository, registry included (`docker.io/rclone/rclone`). */
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A tag is after the last ':' that follows the last '/' (a ':' before it is a registry port).
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag: tag || undefined, digest };
}

/** `1.56.2`, `v1.56`, `1.56.0-beta.1`, `1.56-alpine` -> [1, 56, 2] / [1, 56, 0]; anything else undefined. */
export function parseVersion(s: string | undefined): number[] | undefined {
  if (!s) return undefined;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+._].*)?$/.exec(s.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The version an image's tag pins, when the tag is a version (`latest`, no tag or a digest: undefined). */
export function imageVersion(image: string | undefined): number[] | undefined {
  if (!image) return undefined;
  return parseVersion(parseImage(image).tag);
}

/** Is the image an rclone build (`rclone/rclone`, `ghcr.io/…/rclone`)? */
export function isRcloneImage(image: string | undefined): boolean {
  if (!image) return false;
  const name = parseImage(image).name;
  return /(^|\/)rclone$/.test(name);
}

/** True when the image is pinned to a version below `v` (unpinned or unknown images: false). */
export function imagePinnedBelow(image: string | undefined, v: number[]): boolean {
  const have = imageVersion(image);
  return !!have && compareVersions(have, v) < 0;
}

/**
 * Native sidecars (`restartPolicy: Always` on an init container) are on by default from
 * Kubernetes 1.29 (beta; GA in 1.33). False only when config `kubernetesVersion` says older.
 */
export function nativeSidecarsAvailable(kubernetesVersion: string | undefined): boolean {
  const v = parseVersion(kubernetesVersion);
  return !v || compareVersions(v, [1, 29, 0]) >= 0;
}
