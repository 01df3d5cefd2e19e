#!/bin/sh
# Runs one Apache Kafka node (KRaft, broker and controller in one process) as the container's main
# process. server.properties = the single-node defaults below, then one line per KAFKA_CFG_<NAME>
# variable (KAFKA_CFG_ADVERTISED_LISTENERS -> advertised.listeners). The log directory is formatted
# on first start and kept afterwards (mount a volume at /var/lib/kafka to keep the data).
set -eu
CONFIG=/tmp/server.properties
{
  cat <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://localhost:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=/var/lib/kafka/data
# One node: the internal topics cannot have more replicas than brokers (as devstack's KafkaBroker).
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=2097152
num.partitions=3
PROPS
  env | sed -n 's/^KAFKA_CFG_\([A-Z0-9_]*\)=\(.*\)$/\1=\2/p' | while IFS='=' read -r name value; do
    printf '%s=%s\n' "$(printf '%s' "$name" | tr 'A-Z_' 'a-z.')" "$value"
  done
} >"$CONFIG"
CP='/opt/kafka/libs/*'
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  # KAFKA_CLUSTER_ID: a base64 UUID (kafka-storage.sh random-uuid); one fixed default for a single node.
  java -Xmx256m -cp "$CP" kafka.tools.StorageTool format -t "${KAFKA_CLUSTER_ID:-Y3hyLXBsYXRmb3JtLWthZg}" \
      -c "$CONFIG" --ignore-formatted >/dev/null
fi
# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several JVM options
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$CP" kafka.Kafka "$CONFIG"
