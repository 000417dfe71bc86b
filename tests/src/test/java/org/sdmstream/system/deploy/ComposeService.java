package org.sdmstream.system.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One service of docker/compose.yaml as written (no variable interpolation), with typed accessors.
 */
record ComposeService(String name, Map<String, Object> spec) {

    /** Environment in either of Compose's forms (a map, or a list of KEY=VALUE). */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = spec.get("environment");
        if (e instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (e instanceof List<?> list) {
            list.forEach(
                    item -> {
                        String s = String.valueOf(item);
                        int eq = s.indexOf('=');
                        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
                    });
        }
        return env;
    }

    /**
     * The {@code key: value} lines of {@code FLINK_PROPERTIES}, which the Flink image's entrypoint
     * writes over {@code config.yaml} (flat keys, as Flink reads them).
     */
    Map<String, String> flinkProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : environment().getOrDefault("FLINK_PROPERTIES", "").split("\n")) {
            int colon = line.indexOf(':');
            if (!line.isBlank() && colon > 0) {
                properties.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return properties;
    }

    /** The host name other services reach this one by ({@code hostname}, else the service name). */
    String hostname() {
        return spec.get("hostname") != null ? String.valueOf(spec.get("hostname")) : name;
    }

    /**
     * How many containers {@code docker compose up} starts ({@code deploy.replicas}, default 1).
     */
    int replicas() {
        return spec.get("deploy") instanceof Map<?, ?> d && d.get("replicas") != null
                ? Integer.parseInt(String.valueOf(d.get("replicas")))
                : 1;
    }

    List<String> entrypoint() {
        return words("entrypoint");
    }

    List<String> command() {
        return words("command");
    }

    /** Entry point and command together: what the container runs. */
    List<String> argv() {
        List<String> all = new ArrayList<>(entrypoint());
        all.addAll(command());
        return all;
    }

    /** Volume mounts as {@code [source, target, mode]} (mode empty when not given). */
    List<String[]> volumes() {
        return words("volumes").stream()
                .map(
                        v -> {
                            String[] p = v.split(":");
                            return new String[] {p[0], p[1], p.length > 2 ? p[2] : ""};
                        })
                .toList();
    }

    List<String> ports() {
        return words("ports");
    }

    /** The Dockerfile stage this service builds, or empty for a pulled image. */
    String buildTarget() {
        return spec.get("build") instanceof Map<?, ?> b && b.get("target") != null
                ? String.valueOf(b.get("target"))
                : "";
    }

    String platform() {
        return String.valueOf(spec.get("platform"));
    }

    /**
     * The condition this service waits for on {@code other}, or empty when it does not depend on
     * it.
     */
    String dependsOn(String other) {
        Object d = spec.get("depends_on");
        if (d instanceof List<?> list) {
            return list.contains(other) ? "service_started" : "";
        }
        if (d instanceof Map<?, ?> map && map.get(other) instanceof Map<?, ?> c) {
            return String.valueOf(c.get("condition"));
        }
        return "";
    }

    Object get(String key) {
        return spec.get(key);
    }

    /** The value after {@code flag} in the arguments, or {@code fallback}. */
    String flag(String flag, String fallback) {
        List<String> argv = argv();
        int i = argv.indexOf(flag);
        return i >= 0 && i + 1 < argv.size() ? argv.get(i + 1) : fallback;
    }

    private List<String> words(String key) {
        Object v = spec.get(key);
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return v == null ? List.of() : List.of(String.valueOf(v).trim().split("\\s+"));
    }
}
