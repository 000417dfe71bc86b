package org.sdmstream.features.clicklog;

/** The side features of one item from an item-features file; any of them may be null. */
public record ItemFeatures(String categoryId, String brandId, String shopId) {}
