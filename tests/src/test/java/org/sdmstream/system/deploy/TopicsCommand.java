package org.sdmstream.system.deploy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the compose {@code topics} service's script creates: the topics of its {@code for t in ...} loop, each
 * with {@code --partitions} (a number or a variable of the service's environment, with Compose's default)
 * and its {@code --config key=value} settings.
 */
record TopicsCommand(List<String> topics, int partitions, Map<String, String> configs) {

    private static final Pattern LOOP = Pattern.compile("for\\s+\\w+\\s+in\\s+([^;\\n]+);\\s*do");
    private static final Pattern PARTITIONS = Pattern.compile("--partitions\\s+\"?\\$*\\{?(\\w+)}?\"?");
    private static final Pattern CONFIG = Pattern.compile("--config\\s+([\\w.]+)=(\\S+)");

    static TopicsCommand of(ComposeService service) {
        String script = String.join(" ", service.argv());
        Matcher loop = LOOP.matcher(script);
        Matcher partitions = PARTITIONS.matcher(script);
        if (!loop.find() || !partitions.find()) {
            throw new AssertionError("the " + service.name() + " service's script has no `for t in ...; do` loop"
                    + " with --partitions: " + script);
        }
        String count = partitions.group(1);
        if (!count.matches("\\d+")) {
            count = ComposeFile.withDefaults(service.environment().getOrDefault(count, ""));
        }
        Map<String, String> configs = new LinkedHashMap<>();
        Matcher config = CONFIG.matcher(script);
        while (config.find()) {
            configs.put(config.group(1), config.group(2));
        }
        return new TopicsCommand(Arrays.asList(loop.group(1).trim().split("\\s+")), Integer.parseInt(count), configs);
    }
}
