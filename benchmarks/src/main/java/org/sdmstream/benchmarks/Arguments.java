package org.sdmstream.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code --name value} and bare {@code --flag} arguments of the benchmarks' plain mains. */
final class Arguments {

    private Arguments() {}

    /** Name (without the dashes) → value, "" for a bare flag, in the order given. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name [value], got " + args[i]);
            }
            String name = args[i].substring(2);
            boolean valued = i + 1 < args.length && !args[i + 1].startsWith("--");
            out.put(name, valued ? args[++i] : "");
        }
        return out;
    }
}
