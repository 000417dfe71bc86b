package org.sdmstream.features;

import java.util.Objects;

/**
 * One user behaviour (a click) as the session rules and the model see it: the item with its side
 * features and the event time. Side features may be null when the source does not know them; the
 * model maps them to its "unknown" index.
 */
public record Behavior(
        String itemId, String categoryId, String brandId, String shopId, long eventTime) {

    public Behavior {
        Objects.requireNonNull(itemId, "itemId");
    }

    /** A behaviour that only knows its item, as in logs without side features. */
    public static Behavior ofItem(String itemId, long eventTime) {
        return new Behavior(itemId, null, null, null, eventTime);
    }
}
