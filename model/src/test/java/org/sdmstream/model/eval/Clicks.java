package org.sdmstream.model.eval;

import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;

/** Hand-made clicks for tests: time in minutes, no client session id, no side features. */
final class Clicks {

    private Clicks() {}

    static Click click(String user, String item, long minutes) {
        return new Click(user, null, Behavior.ofItem(item, minutes * 60_000L));
    }
}
