package org.sdmstream.features.clicklog;

import java.util.Objects;

/**
 * How to read an item-features file: a delimited file with one row per item giving its category,
 * brand and shop, joined to clicks by item id. Columns as in {@link ClickLogFormat}.
 *
 * @param separator the field separator
 * @param header whether the first line names the columns
 * @param item the item id column
 * @param category the category column, or null
 * @param brand the brand column, or null
 * @param shop the shop column, or null
 * @param firstTokenOnly keep only the first space-separated token of each feature value (RecBole
 *     {@code token_seq} columns such as the genres {@code Animation Children's Comedy})
 * @param featureColumnsOptional a feature column given by name but absent from the header is not
 *     used, instead of failing the file
 */
public record ItemFileFormat(
        String separator,
        boolean header,
        ColumnRef item,
        ColumnRef category,
        ColumnRef brand,
        ColumnRef shop,
        boolean firstTokenOnly,
        boolean featureColumnsOptional) {

    public ItemFileFormat {
        Objects.requireNonNull(item, "item column");
        if (separator == null || separator.isEmpty()) {
            throw new IllegalArgumentException("separator must not be empty");
        }
    }

    /**
     * RecBole {@code .item} files such as {@code ml-100k.item} ({@code item_id:token
     * movie_title:token_seq release_year:token class:token_seq}): category = the first genre of
     * {@code class} ({@code genre} in ml-1m), brand = {@code release_year}, no shop.
     */
    public static ItemFileFormat recBole() {
        return new ItemFileFormat(
                "\t",
                true,
                ColumnRef.named("item_id"),
                ColumnRef.named("class|genre"),
                ColumnRef.named("release_year|year"),
                null,
                true,
                true);
    }

    /**
     * Any delimited file with a header: the item id in {@code item_id} (or {@code item}, {@code
     * id}), features in {@code category} / {@code brand} / {@code shop} (or {@code *_id}, {@code
     * cate}, {@code seller}) where present.
     */
    public static ItemFileFormat generic(String separator) {
        return new ItemFileFormat(
                separator,
                true,
                ColumnRef.named("item_id|item|id"),
                ColumnRef.named("category|category_id|cate|cat"),
                ColumnRef.named("brand|brand_id"),
                ColumnRef.named("shop|shop_id|seller|seller_id"),
                false,
                true);
    }
}
