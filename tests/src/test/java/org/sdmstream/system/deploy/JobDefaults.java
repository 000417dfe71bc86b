package org.sdmstream.system.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.job.JobConfig;

/** The streaming job's own keys and defaults, as the deployment files must use them. */
final class JobDefaults {

    private JobDefaults() {}

    /** Every job key with its default; the one place that reads the job's configuration API. */
    static Map<String, String> defaults() {
        return JobConfig.defaults().asMap();
    }

    /** Whether the job accepts {@code key} (its own keys, and Kafka client settings by prefix). */
    static boolean isKnownKey(String key) {
        return defaults().containsKey(key)
                || List.of("kafka.producer.", "kafka.consumer.").stream()
                        .anyMatch(p -> key.startsWith(p) && key.length() > p.length());
    }

    /** The {@code key=value} job arguments among {@code args}, in order. */
    static Map<String, String> jobArguments(List<String> args) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.matches("[a-z][\\w.-]*=.*")) {
                pairs.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
        }
        return pairs;
    }

    /**
     * The topics a job with these arguments reads and writes (the job's own answer, defaults
     * included).
     */
    static List<String> topics(Map<String, String> jobArguments) {
        return JobConfig.of(jobArguments).topics();
    }
}
