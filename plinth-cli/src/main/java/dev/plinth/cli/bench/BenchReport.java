package dev.plinth.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a finished run reports, in the form the formats and charts read. Immutable.
 *
 * @param header labelled lines about the machine, the JVM and the settings, in order
 * @param uris the URIs under test, the first being the reference for ratios
 * @param loads how loading the shared store went, per URI
 * @param workloads the workloads' names and descriptions, in run order
 * @param results one per workload and URI
 */
record BenchReport(List<Map.Entry<String, String>> header, List<String> uris, List<LoadResult> loads,
                   Map<String, String> workloads, List<Result> results) {
    BenchReport {
        header = List.copyOf(header);
        uris = List.copyOf(uris);
        loads = List.copyOf(loads);
        workloads = new LinkedHashMap<>(workloads);
        results = List.copyOf(results);
    }

    /**
     * The results of one workload, in URI order.
     *
     * @param workload the workload's name
     * @return its results
     */
    List<Result> resultsOf(String workload) {
        List<Result> out = new ArrayList<>();
        for (String uri : uris) {
            for (Result r : results) {
                if (r.workload().equals(workload) && r.uri().equals(uri)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * One result.
     *
     * @param workload the workload's name
     * @param uri the URI
     * @return the result, or {@code null} if there is none
     */
    Result result(String workload, String uri) {
        for (Result r : results) {
            if (r.workload().equals(workload) && r.uri().equals(uri)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The ratio of a result's throughput to the first URI's on the same workload.
     *
     * @param r a result
     * @return the ratio, or {@code NaN} if either side did not run or measured nothing
     */
    double ratio(Result r) {
        Result first = result(r.workload(), uris.get(0));
        if (first == null || first.skipped() || r.skipped() || first.opsPerSec() <= 0) {
            return Double.NaN;
        }
        return r.opsPerSec() / first.opsPerSec();
    }

    /**
     * The results that returned wrong data or lost keys.
     *
     * @return the failed results
     */
    List<Result> failures() {
        List<Result> out = new ArrayList<>();
        for (Result r : results) {
            if (r.failed()) {
                out.add(r);
            }
        }
        return out;
    }
}
