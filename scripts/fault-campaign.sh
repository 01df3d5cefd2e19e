#!/usr/bin/env bash
# Fault campaign (issue 9): runs the whole platform as separate processes (Kafka broker, PostgreSQL,
# the three packaged services, Orthanc as PACS, an MLLP RIS), sends STUDIES studies through the DICOM
# SCP while it kills -9 each service in turn, kills and restarts the Kafka broker, stops PostgreSQL for
# 30 s and makes the RIS refuse connections for 2 minutes; then prints the counts (accepted by ingest,
# ORUs delivered, duplicates at the RIS, DLQ entries). Exit code 0 when every accepted study reached
# the RIS exactly once and nothing was dead-lettered.
#
#   scripts/fault-campaign.sh [STUDIES=1000] [SEND_SECONDS=540]
#
# Needs the services packaged (mvn -B -DskipTests install, or ./cxr up once). Logs of every process:
# e2e/target/e2e-logs/campaign-<time>/. Takes about SEND_SECONDS plus the drain (15-30 min for 1,000).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STUDIES="${1:-1000}"
SEND_SECONDS="${2:-540}"
cd "$ROOT"
for m in ingest-service inference-service report-service; do
  [[ -f $m/target/quarkus-app/quarkus-run.jar ]] || { echo "fault-campaign: $m is not packaged; run: mvn -B -DskipTests install" >&2; exit 2; }
done
# Compile the e2e harness and write its test class path (e2e/target/test-classpath.txt).
mvn -B -q -o -pl e2e test-compile >/dev/null 2>&1 || mvn -B -q -pl e2e test-compile
# Run from a copy of the compiled harness: a build of e2e during the campaign must not swap classes under it.
SNAP="$(mktemp -d "${TMPDIR:-/tmp}/cxr-e2e-classes.XXXXXX")"
cp -r "$ROOT/e2e/target/test-classes/." "$SNAP/"
CP="$SNAP:$(cat "$ROOT/e2e/target/test-classpath.txt")"
exec java -Xmx1g -Dcxr.repo.root="$ROOT" -cp "$CP" org.cxrplatform.e2e.FaultCampaign "$STUDIES" "$SEND_SECONDS"
