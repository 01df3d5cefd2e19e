#!/usr/bin/env bash
# InferenceBenchmark's measurement (STAT time to first token and to the report with the routine lane
# saturated) on the static scheduler this module had before continuous batching (commit 786e53a):
# checks that commit out in a temporary worktree, adds OldSchedulerBenchmark.java to its tests and
# runs it in that reactor (nothing is installed into the local Maven repository). Extra arguments
# go to Maven, e.g. -Dbench.routine=3000 -Dbench.stat=10 -Dbench.rounds=3 -Dbench.statEveryMs=2000.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
old="$(mktemp -d)/static-scheduler"
git -C "$repo" worktree add --detach "$old" 786e53a >/dev/null
trap 'git -C "$repo" worktree remove --force "$old"' EXIT
cp "$here/OldSchedulerBenchmark.java" "$old/inference-service/src/test/java/org/cxrplatform/inference/pipeline/"
if [ -f "$repo/.mvn/maven.config" ]; then mkdir -p "$old/.mvn" && cp "$repo/.mvn/maven.config" "$old/.mvn/"; fi
cd "$old"
mvn -B -o -pl inference-service -am test -Dgroups=benchmark -Dtest.excludedGroups=none -Dtest=OldSchedulerBenchmark \
    -Dsurefire.failIfNoSpecifiedTests=false "$@" | grep -E -A8 'BENCHMARK|Tests run:|ERROR'
