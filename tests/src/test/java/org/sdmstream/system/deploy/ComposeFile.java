package org.sdmstream.system.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker/compose.yaml: its services, and the variables it takes from the operator's environment.
 */
final class ComposeFile {

    /**
     * {@code ${NAME}}, {@code ${NAME:-default}} or {@code ${NAME-default}}, not the escaped {@code
     * $${...}}.
     */
    private static final Pattern VARIABLE =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?}");

    private static final Pattern JOB_CLASS = Pattern.compile("--job-classname\\s+(\\S+)");

    private final String text;
    private final Map<String, Object> services;

    @SuppressWarnings("unchecked")
    ComposeFile() {
        text = DeploymentFiles.text(DeploymentFiles.COMPOSE);
        services =
                (Map<String, Object>) DeploymentFiles.yaml(DeploymentFiles.COMPOSE).get("services");
    }

    String text() {
        return text;
    }

    @SuppressWarnings("unchecked")
    List<ComposeService> services() {
        return services.entrySet().stream()
                .map(e -> new ComposeService(e.getKey(), (Map<String, Object>) e.getValue()))
                .toList();
    }

    ComposeService service(String name) {
        return services().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("compose.yaml has no service " + name));
    }

    /**
     * The service that runs the JobManager with the job (Flink's standalone-job, application mode).
     */
    ComposeService jobManager() {
        return services().stream()
                .filter(s -> s.argv().stream().anyMatch(a -> a.contains("standalone-job")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no service runs Flink's standalone-job"));
    }

    /** The job class the JobManager runs ({@code --job-classname}). */
    String jobClass() {
        Matcher m = JOB_CLASS.matcher(String.join(" ", jobManager().argv()));
        if (!m.find()) {
            throw new AssertionError("the JobManager service names no job class (--job-classname)");
        }
        return m.group(1);
    }

    /** The job's {@code key=value} arguments on the JobManager service. */
    Map<String, String> jobArguments() {
        return JobDefaults.jobArguments(jobManager().argv());
    }

    /** Services built from the Flink stage of docker/Dockerfile. */
    List<ComposeService> flinkServices() {
        return services().stream()
                .filter(
                        s ->
                                s.buildTarget().equals("flink")
                                        || String.valueOf(s.get("image"))
                                                .startsWith("sdm-stream-flink"))
                .toList();
    }

    /** The first service whose command starts with the sdm subcommand {@code name}. */
    ComposeService sdmCommand(String name) {
        return services().stream()
                .filter(s -> !s.command().isEmpty() && s.command().get(0).equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no service runs sdm " + name));
    }

    /** Variables taken from the operator's environment, each with whether it has a default. */
    List<Variable> variables() {
        List<Variable> found = new ArrayList<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            found.add(new Variable(m.group(1), m.group(2) != null));
        }
        return found;
    }

    /**
     * {@code value} as Compose runs it with none of the operator's variables set: {@code
     * ${NAME:-default}} and {@code ${NAME-default}} are their defaults, {@code ${NAME}} is empty,
     * {@code $$} is a literal {@code $}.
     */
    static String withDefaults(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String fallback =
                    m.group(2) == null ? "" : m.group(2).substring(m.group(2).indexOf('-') + 1);
            m.appendReplacement(out, Matcher.quoteReplacement(fallback));
        }
        m.appendTail(out);
        return out.toString().replace("$$", "$");
    }

    /** A variable of the compose file. */
    record Variable(String name, boolean hasDefault) {}
}
