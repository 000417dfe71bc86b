package org.sdmstream.features.clicklog;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Items' side features read from an item-features file, for joining to clicks by item id. Rows with
 * an empty item id, a repeated item id or a wrong column count are bad rows in {@link #report()}.
 *
 * @param items features by item id
 * @param report what reading the file found
 */
public record ItemCatalog(Map<String, ItemFeatures> items, ReadReport report) {

    public ItemCatalog {
        items = Map.copyOf(items);
    }

    /** The features of {@code itemId}, or null when the file does not list it. */
    public ItemFeatures get(String itemId) {
        return items.get(itemId);
    }

    public int size() {
        return items.size();
    }

    public static ItemCatalog read(Path file, ItemFileFormat format) {
        return read(file, format, ReadLimits.DEFAULT);
    }

    public static ItemCatalog read(Path file, ItemFileFormat format, ReadLimits limits) {
        Map<String, ItemFeatures> items = new HashMap<>();
        Map<String, Long> firstLine = new HashMap<>();
        StringPool pool = new StringPool();
        DelimitedReader reader =
                new DelimitedReader(
                        format.separator(),
                        format.header(),
                        0,
                        limits.keepBadRows(),
                        limits.stopAfterBadRows());
        String source = file.toString();
        ReadReport report =
                reader.read(
                        file,
                        header -> {
                            int itemAt =
                                    DelimitedReader.require(format.item(), "item", header, source);
                            int categoryAt =
                                    feature(format.category(), "category", header, format, source);
                            int brandAt = feature(format.brand(), "brand", header, format, source);
                            int shopAt = feature(format.shop(), "shop", header, format, source);
                            return (fields, line) -> {
                                String item = DelimitedReader.field(fields, itemAt, "item");
                                if (item.isEmpty()) {
                                    throw new DelimitedReader.RowError("empty item id");
                                }
                                Long seen = firstLine.putIfAbsent(item, line);
                                if (seen != null) {
                                    throw new DelimitedReader.RowError(
                                            "item " + item + " already listed at line " + seen);
                                }
                                items.put(
                                        pool.intern(item),
                                        new ItemFeatures(
                                                value(fields, categoryAt, format, pool),
                                                value(fields, brandAt, format, pool),
                                                value(fields, shopAt, format, pool)));
                                return DelimitedReader.Outcome.RECORD;
                            };
                        });
        return new ItemCatalog(items, report);
    }

    private static int feature(
            ColumnRef column,
            String role,
            List<String> header,
            ItemFileFormat format,
            String source) {
        if (column == null) {
            return -1;
        }
        if (format.featureColumnsOptional() && !column.isIndex()) {
            return column.resolve(header);
        }
        return DelimitedReader.require(column, role, header, source);
    }

    private static String value(List<String> fields, int at, ItemFileFormat format, StringPool pool)
            throws DelimitedReader.RowError {
        if (at < 0) {
            return null;
        }
        String v = DelimitedReader.field(fields, at, "feature");
        if (format.firstTokenOnly()) {
            int space = v.indexOf(' ');
            if (space >= 0) {
                v = v.substring(0, space);
            }
        }
        return v.isEmpty() ? null : pool.intern(v);
    }
}
