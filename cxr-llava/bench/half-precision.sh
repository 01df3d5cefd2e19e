#!/usr/bin/env bash
# fp32 against half-precision products on this CPU with the CPU natives of PyTorch 2.5.1 (DJL 0.33)
# and 2.7.1 (DJL 0.36): bench.HalfPrecision on each, same class, same shapes (decode at batch 1 and 8,
# a report prompt's prefill, attention over the cache). bench.DtypeProbe runs first on each: bf16 is
# measured only where the bridge can create it (elsewhere creating one aborts the JVM).
#
#   cxr-llava/bench/half-precision.sh [--threads 1] [--rounds 9] [--prefill-rounds 3]
#
# Needs cxr-llava/target/classes (mvn -pl cxr-llava compile). The DJL jars come from Maven Central into
# the local Maven repository (the 2.7.1 CPU natives once, ~110 MB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads=1 rounds=9 prefill_rounds=3
while (($#)); do
  case $1 in
    --threads) threads=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --prefill-rounds) prefill_rounds=$2; shift 2 ;;
    *) echo "usage: $0 [--threads 1] [--rounds 9] [--prefill-rounds 3]" >&2; exit 2 ;;
  esac
done
[[ -d $ROOT/cxr-llava/target/classes ]] || { echo "compile cxr-llava first: mvn -B -pl cxr-llava -am compile" >&2; exit 2; }
WORK="$(mktemp -d -t cxr-half-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
for pair in 0.33.0:2.5.1 0.36.0:2.7.1; do
  djl=${pair%%:*} torch=${pair##*:}
  mkdir -p "$WORK/$djl"
  cat >"$WORK/$djl/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>djl-$djl</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>ai.djl</groupId><artifactId>api</artifactId><version>$djl</version></dependency>
    <dependency><groupId>ai.djl.pytorch</groupId><artifactId>pytorch-engine</artifactId><version>$djl</version></dependency>
    <dependency><groupId>ai.djl.pytorch</groupId><artifactId>pytorch-jni</artifactId><version>$torch-$djl</version></dependency>
    <dependency><groupId>ai.djl.pytorch</groupId><artifactId>pytorch-native-cpu</artifactId><version>$torch</version><classifier>linux-x86_64</classifier></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$WORK/$djl/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/$djl/cp.txt" >/dev/null
  echo "== PyTorch $torch (DJL $djl)"
  cp="$ROOT/cxr-llava/target/classes:$(cat "$WORK/$djl/cp.txt")"
  probe="$(java -cp "$cp" org.cxrplatform.llava.bench.DtypeProbe 2>&1 | grep -v '^SLF4J')"
  echo "$probe"
  bf16=()
  grep -Eq '^bfloat16 +create +exit 0' <<<"$probe" && bf16=(--bf16)
  java -Dai.djl.pytorch.num_threads="$threads" -cp "$cp" org.cxrplatform.llava.bench.HalfPrecision \
      --rounds "$rounds" --prefill-rounds "$prefill_rounds" "${bf16[@]}" 2>&1 | grep -v '^SLF4J'
done
