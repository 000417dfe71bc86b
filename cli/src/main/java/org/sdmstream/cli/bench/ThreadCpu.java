package org.sdmstream.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    /** Linux's USER_HZ: /proc reports CPU time in these ticks per second. */
    private static final int CLOCK_TICKS = 100;

    private final Map<Long, Long> cpuNanos;
    private final Map<Long, String> names;
    private final Map<Long, Long> nativeTicks;
    private final Map<Long, String> nativeNames;

    private ThreadCpu(
            Map<Long, Long> cpuNanos,
            Map<Long, String> names,
            Map<Long, Long> nativeTicks,
            Map<Long, String> nativeNames) {
        this.cpuNanos = cpuNanos;
        this.names = names;
        this.nativeTicks = nativeTicks;
        this.nativeNames = nativeNames;
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
        Map<Long, Long> nativeTicks = new HashMap<>();
        Map<Long, String> nativeNames = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    // pid (comm) state ppid ... utime stime: comm may hold spaces and parentheses.
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] fields = stat.substring(close + 2).split(" ");
                    long tid = Long.parseLong(task.getFileName().toString());
                    nativeNames.put(tid, stat.substring(open + 1, close));
                    nativeTicks.put(tid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while being read
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // not Linux: no native breakdown
        }
        return new ThreadCpu(cpu, names, nativeTicks, nativeNames);
    }

    /**
     * CPU seconds used since {@code earlier} per group of this process's threads alive now, from
     * Linux's {@code /proc/self/task}: native threads too (GC, JIT compilers, RocksDB's, and
     * TensorFlow's, which no {@link ThreadMXBean} sees), under their 15-character kernel names. A
     * group is the threads whose names differ only in their numbers ({@code GC Thread#0} and {@code
     * #1}, a task's subtasks); most first. Empty where {@code /proc} cannot be read.
     */
    Map<String, Double> secondsByGroupSince(ThreadCpu earlier) {
        Map<String, Double> groups = new HashMap<>();
        nativeTicks.forEach(
                (tid, ticks) ->
                        groups.merge(
                                nativeNames.get(tid).replaceAll("[0-9]+", "N"),
                                (ticks - earlier.nativeTicks.getOrDefault(tid, 0L))
                                        / (double) CLOCK_TICKS,
                                Double::sum));
        Map<String, Double> sorted = new LinkedHashMap<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
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
