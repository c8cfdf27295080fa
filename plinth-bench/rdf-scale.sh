#!/usr/bin/env bash
# The RDF quad store beside Jena TDB2 at a given size (issue 14's 10M-quad run: ./rdf-scale.sh 10000000):
# bulk load, the 16 patterns and the SPARQL BGPs of dev.plinth.bench.rdf, Plinth on lsm: and rocksdb: and
# TDB2 (its standard loader) in the same runs. Documented in docs/quadstore.md ("Speed").
#
#   plinth-bench/rdf-scale.sh QUADS [JAR] [WORKDIR]
#
# QUADS    quads of UniversityData (1000000, 10000000, ...)
# JAR      the benchmark jar (default plinth-bench/target/benchmarks.jar)
# WORKDIR  where the cached stores, the JMH results and the logs go (default /tmp/plinth-rdf-QUADS); roughly
#          12 GB of disk at 10M (the three cached stores were 0.5 GB at 1M; the load benchmark's store and its
#          N-Quads file go to the system's temporary directory)
#
# Step 1 loads the stores the read benchmarks open (RdfTarget, outside the benchmark lock, niced); steps 2 to 4
# each hold /tmp/plinth-bench.lock so no other benchmark overlaps them. Environment: TARGETS (default
# "plinth-lsm,plinth-rocksdb,tdb2"), PATTERNS (default all 16), ITER (measured 1-second iterations a pattern,
# default 2; each fork first warms up for 8 one-second iterations, which the JIT needed on a loaded two-core
# machine before Plinth's short finds were compiled). Each JMH fork runs with -Xms2g -Xmx2g (the benchmarks' @Fork); the pattern benchmark's setup
# keeps only its 256 samples in memory, so its memory does not grow with the data.
#
# TIMED_BUILD=1 (how the 10M run is made): the loads that build the cached stores are the load measurement, so
# each store is loaded once, not twice. Step 1 writes the N-Quads file (outside the lock, niced), then loads
# each target in a JVM of its own (-Xms4g -Xmx4g -XX:+AlwaysPreTouch), all in one hold of the lock, printing
# the load's seconds (parse and writes until durable), the compaction's and the peak heap; step 2 is skipped.
# STEPS (default "1 2 3 4") runs only some of the steps, e.g. STEPS="3 4" once the stores are built.
set -euo pipefail
quads=${1:?usage: rdf-scale.sh QUADS [JAR] [WORKDIR]}
here=$(cd "$(dirname "$0")" && pwd)
jar=${2:-$here/target/benchmarks.jar}
work=${3:-/tmp/plinth-rdf-$quads}
targets=${TARGETS:-plinth-lsm,plinth-rocksdb,tdb2}
patterns=${PATTERNS:-____,S___,_P__,__O_,___G,SP__,S_O_,S__G,_PO_,_P_G,__OG,SPO_,SP_G,S_OG,_POG,SPOG}
iter=${ITER:-2}
steps=${STEPS:-1 2 3 4}
timed=${TIMED_BUILD:-0}
lock=/tmp/plinth-bench.lock
mkdir -p "$work/stores"
stamp() { date -u +%H:%M:%S; }
log() { echo "[$(stamp) load $(cut -d' ' -f1-3 /proc/loadavg)] $*" | tee -a "$work/rdf-scale.log"; }

has() { [[ " $steps " == *" $1 "* ]]; }

if has 1 && [ "$timed" = 1 ]; then
    log "1/4 the N-Quads file (outside the lock)"
    nice -n 15 java -Xmx1g -cp "$jar" dev.plinth.bench.rdf.RdfTarget "$work/stores" "$quads" | tee -a "$work/rdf-scale.log"
    log "1/4 timed loads building the cached stores in $work/stores, a JVM each, one hold of the lock"
    # shellcheck disable=SC2016
    flock "$lock" bash -c 'for t in ${1//,/ }; do
            echo "[$(date -u +%H:%M:%S) load $(cut -d" " -f1-3 /proc/loadavg)] $t"
            java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp "$2" dev.plinth.bench.rdf.RdfTarget "$3" "$4" "$t"
        done; echo "[$(date -u +%H:%M:%S) load $(cut -d" " -f1-3 /proc/loadavg)] loads done"' \
        _ "$targets" "$jar" "$work/stores" "$quads" | tee -a "$work/rdf-scale.log" "$work/load.txt"
    rm -f "$work/stores/universitydata-$quads.nq"
elif has 1; then
    log "1/4 cached stores in $work/stores (outside the lock)"
    # shellcheck disable=SC2086
    nice -n 15 java -Xmx4g -cp "$jar" dev.plinth.bench.rdf.RdfTarget "$work/stores" "$quads" ${targets//,/ } \
        | tee -a "$work/rdf-scale.log"
    rm -f "$work/stores/universitydata-$quads.nq"
fi

if has 2 && [ "$timed" != 1 ]; then
    log "2/4 bulk load, one shot each"
    flock "$lock" java -jar "$jar" RdfLoadBenchmark -p quads="$quads" -p target="$targets" -wi 0 -i 1 -f 1 -prof gc \
        -rf json -rff "$work/load.json" | tee "$work/load.txt"
fi

if has 3; then
    log "3/4 the patterns: $patterns"
    flock "$lock" java -jar "$jar" RdfPatternBenchmark.find -p quads="$quads" -p storeCache="$work/stores" \
        -p target="$targets" -p pattern="$patterns" -wi 8 -w 1 -i "$iter" -r 1 -f 1 \
        -rf json -rff "$work/find.json" | tee "$work/find.txt"
fi

if has 4; then
    log "4/4 SPARQL BGPs"
    flock "$lock" java -jar "$jar" RdfPatternBenchmark.sparqlBgp -p quads="$quads" -p storeCache="$work/stores" \
        -p target="$targets" -p pattern=SPOG -wi 8 -w 1 -i 3 -r 1 -f 1 \
        -rf json -rff "$work/sparql.json" | tee "$work/sparql.txt"
fi
log "done: $work/{load,find,sparql}.txt"
