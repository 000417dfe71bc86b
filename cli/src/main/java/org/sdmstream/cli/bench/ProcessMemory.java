package org.sdmstream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory and CPU time of a process from Linux's {@code /proc} (0 where it cannot be read),
 * and the load average: the benchmark shares the machine, so it reports what it used.
 */
final class ProcessMemory {

    private ProcessMemory() {}

    /** Current resident set size in bytes. */
    static long rss(long pid) {
        return field(pid, "VmRSS:");
    }

    /** Peak resident set size in bytes. */
    static long peakRss(long pid) {
        return field(pid, "VmHWM:");
    }

    /** CPU time (user + system) the process has used so far, in seconds. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces): state is field 3, utime 14,
            // stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Linux's USER_HZ; 100 on every mainstream architecture. */
    private static final int CLOCK_TICKS = 100;

    /** The system load averages (1, 5, 15 min), or an empty text where unknown. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long field(long pid, String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            for (String line : lines) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process is gone.
        }
        return 0;
    }
}
