#!/usr/bin/env bash
# Decode speed of the engine against Jlama (com.github.tjake:jlama-core, pure Java, Java 21+) on the
# same weights, the same thread count and the same context, interleaved: each round runs ours with each
# --dtype (fp32; fp16 = fp16 projections, fp32 compute), Jlama reading the weights stored as F32, then as
# BF16, each in a fresh JVM.
#
#   cxr-llava/bench/jlama/compare.sh [--threads 1,2] [--dtype fp32,fp16] [--rounds 3] [--steps 32]
#
# Needs cxr-llava/target/cxr-llava.jar (mvn -pl cxr-llava package) and a JDK 21+ for Jlama
# (JLAMA_JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64). Jlama comes from Maven Central into the
# local Maven repository; it is not a dependency of the platform's Java 17 build.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
JAR="$ROOT/cxr-llava/target/cxr-llava.jar"
JLAMA_JAVA="${JLAMA_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JLAMA_JAVAC="${JLAMA_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac"
threads=1,2 dtypes=fp32,fp16 rounds=3 steps=32
while (($#)); do
  case $1 in
    --threads) threads=$2; shift 2 ;;
    --dtype) dtypes=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    *) echo "usage: $0 [--threads 1,2] [--dtype fp32,fp16] [--rounds 3] [--steps 32]" >&2; exit 2 ;;
  esac
done
[[ -f $JAR ]] || { echo "build cxr-llava first: mvn -B -pl cxr-llava -am package -DskipTests" >&2; exit 2; }
[[ -x $JLAMA_JAVA ]] || { echo "no JDK 21+ at $JLAMA_JAVA (set JLAMA_JAVA_HOME)" >&2; exit 2; }

WORK="$(mktemp -d -t cxr-jlama-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mvn -B -q -f "$HERE/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
"$JLAMA_JAVAC" --release 21 -cp "$(cat "$WORK/cp.txt")" -d "$WORK/classes" \
    "$HERE"/src/main/java/org/cxrplatform/llava/jlama/*.java
JLAMA_CP="$WORK/classes:$(cat "$WORK/cp.txt")"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$JAR" org.cxrplatform.llava.bench.JlamaComparison export "$WORK/models" | grep -v '^SLF4J'

ours() { # threads dtype
  java -Xmx6g -Dai.djl.pytorch.num_threads="$1" -cp "$JAR" org.cxrplatform.llava.bench.JlamaComparison \
      decode "$WORK/models/medium" --steps "$steps" --dtype "$2" 2>/dev/null | grep '^RESULT'
}
jlama() { # dir threads context
  "$JLAMA_JAVA" --add-modules jdk.incubator.vector -Xmx6g -cp "$JLAMA_CP" org.cxrplatform.llava.jlama.JlamaDecode \
      "$WORK/models/$1" "$2" "$3" "$steps" 2>/dev/null | grep '^RESULT'
}

: >"$WORK/results"
for ((r = 1; r <= rounds; r++)); do
  for t in ${threads//,/ }; do
    for d in ${dtypes//,/ }; do
      line=$(ours "$t" "$d"); echo "round $r: $line"; echo "$line" >>"$WORK/results"
      context=$(sed -n 's/.*context=\([0-9]*\).*/\1/p' <<<"$line")
    done
    for w in llama-f32 llama-bf16; do
      line=$(jlama "$w" "$t" "$context"); echo "round $r: $line"; echo "$line" >>"$WORK/results"
    done
  done
done

echo "median ms per decode step over $rounds rounds [min-max], same weights, same context:"
for t in ${threads//,/ }; do
  for who in ${dtypes//,/ } "jlama f32" "jlama bf16"; do
    [[ $who == jlama* ]] || who="ours $who"
    grep "^RESULT $who threads=$t " "$WORK/results" | sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' | sort -n |
      awk -v who="$who" -v t="$t" '{v[NR]=$1} END {printf "  %-10s %d thread(s): %.2f [%.2f-%.2f] ms\n", who, t, v[int((NR+1)/2)], v[1], v[NR]}'
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
