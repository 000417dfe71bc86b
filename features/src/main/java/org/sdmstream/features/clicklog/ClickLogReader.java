package org.sdmstream.features.clicklog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;

/**
 * Reads a click log in a {@link ClickLogFormat} into {@link Click}s, in file order, joining item
 * features and user profiles when given. Streams the file line by line. A row becomes a bad row
 * (counted, and kept with its line number up to the limit) when its column count is wrong, its user
 * or item id is empty, or its time does not parse; rows a behaviour filter leaves out are counted
 * as skipped. Side features in the log itself win over the item-features file, which fills only the
 * ones the log leaves empty.
 */
public final class ClickLogReader {

    private final ClickLogFormat format;
    private final ItemCatalog items;
    private final UserProfiles users;
    private final ReadLimits limits;

    public ClickLogReader(ClickLogFormat format) {
        this(format, null, null, ReadLimits.DEFAULT);
    }

    /**
     * @param items item features to join by item id, or null
     * @param users user profiles to attach by user id, or null
     */
    public ClickLogReader(
            ClickLogFormat format, ItemCatalog items, UserProfiles users, ReadLimits limits) {
        this.format = format;
        this.items = items;
        this.users = users;
        this.limits = limits;
    }

    /** Reads every click of {@code file} into a list. */
    public ClickLog readAll(Path file) {
        List<Click> clicks = new ArrayList<>();
        ReadReport report = read(file, clicks::add);
        return new ClickLog(
                clicks,
                report,
                items == null ? null : items.report(),
                users == null ? null : users.report());
    }

    /** Streams the clicks of {@code file} to {@code sink} in file order; returns what was read. */
    public ReadReport read(Path file, Consumer<Click> sink) {
        DelimitedReader reader =
                new DelimitedReader(
                        format.separator(),
                        format.header(),
                        format.columnCount(),
                        limits.keepBadRows(),
                        limits.stopAfterBadRows());
        DelimitedReader.Tally tally = new DelimitedReader.Tally();
        String source = file.toString();
        StringPool pool = new StringPool();
        return reader.read(
                file,
                header -> {
                    int userAt = DelimitedReader.require(format.user(), "user", header, source);
                    int itemAt = DelimitedReader.require(format.item(), "item", header, source);
                    int timeAt = DelimitedReader.require(format.time(), "time", header, source);
                    int sessionAt = optional(format.session(), "session", header, source);
                    int categoryAt = optional(format.category(), "category", header, source);
                    int brandAt = optional(format.brand(), "brand", header, source);
                    int shopAt = optional(format.shop(), "shop", header, source);
                    int behaviorAt = optional(format.behavior(), "behavior", header, source);
                    Set<String> keep = format.keepBehaviors();
                    return (fields, line) -> {
                        String user = DelimitedReader.field(fields, userAt, "user");
                        if (user.isEmpty()) {
                            throw new DelimitedReader.RowError("empty user id");
                        }
                        String item = DelimitedReader.field(fields, itemAt, "item");
                        if (item.isEmpty()) {
                            throw new DelimitedReader.RowError("empty item id");
                        }
                        long time;
                        try {
                            time =
                                    format.timeFormat()
                                            .toEpochMillis(
                                                    DelimitedReader.field(fields, timeAt, "time"));
                        } catch (IllegalArgumentException e) {
                            throw new DelimitedReader.RowError("bad time: " + e.getMessage());
                        }
                        if (behaviorAt >= 0
                                && !keep.contains(
                                        DelimitedReader.field(fields, behaviorAt, "behavior"))) {
                            return DelimitedReader.Outcome.SKIPPED;
                        }
                        String session = optionalValue(fields, sessionAt, "session", pool);
                        String category = optionalValue(fields, categoryAt, "category", pool);
                        String brand = optionalValue(fields, brandAt, "brand", pool);
                        String shop = optionalValue(fields, shopAt, "shop", pool);
                        item = pool.intern(item);
                        if (items != null) {
                            ItemFeatures f = items.get(item);
                            if (f == null) {
                                tally.missingItemFeatures++;
                            } else {
                                category = category != null ? category : f.categoryId();
                                brand = brand != null ? brand : f.brandId();
                                shop = shop != null ? shop : f.shopId();
                            }
                        }
                        Map<String, String> profile = null;
                        if (users != null) {
                            profile = users.get(user);
                            if (profile == null) {
                                tally.missingProfiles++;
                            }
                        }
                        sink.accept(
                                new Click(
                                        pool.intern(user),
                                        session,
                                        new Behavior(item, category, brand, shop, time),
                                        profile));
                        return DelimitedReader.Outcome.RECORD;
                    };
                },
                tally);
    }

    private static int optional(ColumnRef column, String role, List<String> header, String source) {
        return column == null ? -1 : DelimitedReader.require(column, role, header, source);
    }

    private static String optionalValue(List<String> fields, int at, String role, StringPool pool)
            throws DelimitedReader.RowError {
        if (at < 0) {
            return null;
        }
        String v = DelimitedReader.field(fields, at, role);
        return v.isEmpty() ? null : pool.intern(v);
    }

    public ClickLogFormat format() {
        return format;
    }
}
