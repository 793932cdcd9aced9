// Which rclone a server container runs, as far as its image tells.
import { compareVersions, isRcloneImage, parseImage, parseVersion } from '../model/versions.js';

export type RcloneRelease =
  | { kind: 'latest'; text: string }
  | { kind: 'version'; version: number[]; text: string }
  | { kind: 'unknown'; text: string };

export function rcloneRelease(image: string | undefined): RcloneRelease {
  if (!image) return { kind: 'unknown', text: 'an image with no tag' };
  if (!isRcloneImage(image)) return { kind: 'unknown', text: `image ${image} (rclone version unknown)` };
  const ref = parseImage(image);
  if (!ref.tag) return ref.digest ? { kind: 'unknown', text: `image ${image} (pinned by digest)` } : { kind: 'latest', text: `image ${image} (untagged: latest)` };
  if (ref.tag === 'latest' || ref.tag === 'beta') return { kind: 'latest', text: `image ${image}` };
  const v = parseVersion(ref.tag);
  return v ? { kind: 'version', version: v, text: `image ${image}` } : { kind: 'unknown', text: `image ${image}` };
}

/** At least `v`, or latest/untagged (which is, or will be, at least `v`). */
export function atLeast(r: RcloneRelease, v: number[]): boolean {
  return r.kind === 'latest' || (r.kind === 'version' && compareVersions(r.version, v) >= 0);
}
