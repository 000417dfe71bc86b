package org.sdmstream.features.clicklog;

import java.util.HashMap;
import java.util.Map;

/** Shares one String instance per distinct id while reading, so a large log holds each id once. */
final class StringPool {

    private final Map<String, String> pool = new HashMap<>();

    String intern(String s) {
        String shared = pool.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }
}
