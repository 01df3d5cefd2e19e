#!/usr/bin/env bash
# Prints the reports and alerts the pipeline produced since a moment, as they arrive on Kafka.
# usage: demo-reports.sh KAFKA_BOOTSTRAP SINCE_ISO EXPECTED [SECONDS]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CP="$ROOT/devstack/target/classes:$(cat "$ROOT/devstack/target/classpath.txt")"
bootstrap=$1 since=$2 expected=$3 seconds=${4:-180}
echo "waiting up to $seconds s for $expected reports on cxr.reports (alerts on cxr.alerts shown too)"
java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" org.cxrplatform.devstack.TopicTail "$bootstrap" "$since" "$seconds" "$expected" cxr.reports cxr.alerts |
while IFS=$'\t' read -r topic key value; do
  if [[ $topic == cxr.alerts ]]; then
    jq -r '"ALERT  study \(.studyInstanceUid)  \(.finding) \(.state)  \"\(.excerpt // "")\""' <<<"$value"
  else
    jq -r '"REPORT study \(.studyInstanceUid)  accession \(.accessionNumber // "-")  lane \(.lane)  priority \(.triagePriority // "-")",
           "       model \(.model.modelId) \(.model.weightsDigest[0:12])  \(.timings.generatedTokens // 0) tokens in \(.timings.decodeMs // 0) ms",
           "       findings: \(.findings | to_entries | map(select(.value != "NOT_MENTIONED")) | map("\(.key)=\(.value)") | join(", ") | if . == "" then "none mentioned" else . end)",
           "       text: \(.text)", ""' <<<"$value"
  fi
done
