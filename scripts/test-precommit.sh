#!/usr/bin/env bash
# The pre-commit hooks, installed the way users get them: pre-commit clones the hook repository
# from git and runs `npm install` + `npm pack` + `npm install -g` in it, so `medialint` must work
# from a fresh clone (bin/medialint.js runs the committed dist/medialint.js).
#
#   scripts/test-precommit.sh [REPO]     REPO: the medialint checkout (default: this one)
#
# Installs nothing itself (CI installs Debian's `pre-commit`); skips with a message when
# pre-commit is absent. The hook repository is a snapshot of REPO's working tree as it would be
# committed (tracked and untracked files, .gitignore honoured), so uncommitted work is tested too.
set -euo pipefail
repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "test-precommit: SKIPPED: pre-commit is not installed (Debian: apt-get install pre-commit)"
  exit 0
fi
if [ ! -f "$repo/dist/medialint.js" ]; then
  echo "test-precommit: FAIL: $repo/dist/medialint.js is missing; run npm run build (the hook runs the committed bundle)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
git_q() { git -c init.defaultBranch=main -c commit.gpgsign=false "$@" >/dev/null; }

# 1. The hook repository: REPO's files as a commit would hold them.
hooks="$work/medialint"
mkdir -p "$hooks"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) \
  | grep -zv -E '^(node_modules|\.git)(/|$)' \
  | (cd "$repo" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) \
  | tar -C "$hooks" -xf -
git_q -C "$hooks" init
git_q -C "$hooks" add -A
git_q -C "$hooks" commit -m snapshot

# 2. A project with a good and a bad manifest.
project="$work/project"
mkdir -p "$project"
cat > "$project/bad.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sonarr
spec:
  template:
    spec:
      containers:
        - name: sonarr
          image: lscr.io/linuxserver/sonarr
          volumeMounts:
            - name: media
              mountPath: /mnt/media
              mountPropagation: hostToContainer
      volumes:
        - name: media
          emptyDir: {}
YAML
sed 's/hostToContainer/HostToContainer/' "$project/bad.yaml" > "$project/good.yaml"
cp "$project/bad.yaml" "$project/fixable.yaml"
git_q -C "$project" init
git_q -C "$project" add -A
git_q -C "$project" commit -m init

fail=0
run() { # run EXPECTED_STATUS HOOK FILE -> output in $work/out
  local want="$1" hook="$2" file="$3" got=0
  (cd "$project" && pre-commit try-repo "$hooks" "$hook" --files "$file") >"$work/out" 2>&1 || got=$?
  if { [ "$want" = 0 ] && [ "$got" != 0 ]; } || { [ "$want" != 0 ] && [ "$got" = 0 ]; }; then
    echo "test-precommit: FAIL: hook $hook on $file exited $got, expected $([ "$want" = 0 ] && echo 0 || echo 'non-zero')" >&2
    sed 's/^/  | /' "$work/out" >&2
    fail=1
    return 1
  fi
  echo "test-precommit: ok: hook $hook on $file exited $got"
}

if run 1 medialint bad.yaml; then
  grep -q 'invalid-mount-propagation' "$work/out" || { echo "test-precommit: FAIL: the bad file's finding is not in the hook output" >&2; sed 's/^/  | /' "$work/out" >&2; fail=1; }
fi
run 0 medialint good.yaml || true
# medialint-fix edits the file, so pre-commit fails the hook ("files were modified") and the fix is on disk.
if run 1 medialint-fix fixable.yaml; then
  cmp -s "$project/fixable.yaml" "$project/good.yaml" || { echo "test-precommit: FAIL: medialint-fix did not fix fixable.yaml:" >&2; diff -u "$project/good.yaml" "$project/fixable.yaml" >&2 || true; fail=1; }
fi

[ "$fail" = 0 ] && echo "test-precommit: all passed"
exit "$fail"
