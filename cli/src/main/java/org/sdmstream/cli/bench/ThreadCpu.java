package org.sdmstream.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of this JVM's threads, by thread, at one moment. The latency phase's publisher and
 * output reader run in the bench's JVM beside the job: what they used between two snapshots is
 * subtracted to give the job's own share of the two cores. A thread that ended between the
 * snapshots is not counted (the publisher's and reader's threads live through the whole phase).
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> cpuNanos;
    private final Map<Long, String> names;

    private ThreadCpu(Map<Long, Long> cpuNanos, Map<Long, String> names) {
        this.cpuNanos = cpuNanos;
        this.names = names;
    }

    static ThreadCpu now() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long nanos = THREADS.getThreadCpuTime(ids[i]);
            if (infos[i] != null && nanos >= 0) {
                cpu.put(ids[i], nanos);
                names.put(ids[i], infos[i].getThreadName());
            }
        }
        return new ThreadCpu(cpu, names);
    }

    /**
     * CPU seconds used since {@code earlier} by the threads alive now whose name passes {@code
     * name} or whose id is {@code threadId}; a thread started since counts from zero.
     */
    double secondsSince(ThreadCpu earlier, long threadId, Predicate<String> name) {
        long total = 0;
        for (Map.Entry<Long, Long> thread : cpuNanos.entrySet()) {
            long id = thread.getKey();
            if (id == threadId || name.test(names.get(id))) {
                total += thread.getValue() - earlier.cpuNanos.getOrDefault(id, 0L);
            }
        }
        return total / 1e9;
    }
}
