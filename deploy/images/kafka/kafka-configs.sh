#!/bin/sh
# kafka-configs.sh of the Apache Kafka distribution, at the same path (/opt/kafka/bin), so the chart's
# topic Job (which re-applies each topic's retention) runs on this image as it does on apache/kafka.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp '/opt/kafka/libs/*' \
    kafka.admin.ConfigCommand "$@"
