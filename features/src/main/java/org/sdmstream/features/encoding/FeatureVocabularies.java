package org.sdmstream.features.encoding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Session;

/**
 * The vocabularies of every model input: items, categories, brands, shops, users and profile
 * attribute values (stored as {@code attribute=value}), plus the ordered list of profile attributes
 * the model has one slot each for. Users not seen in training map to the unknown row.
 *
 * <p>Saved as a directory of vocabulary files ({@code items.txt}, {@code categories.txt}, {@code
 * brands.txt}, {@code shops.txt}, {@code users.txt}, {@code profile.txt}) and {@code
 * profile_attributes.txt} (one attribute name per line, in slot order).
 */
public record FeatureVocabularies(
        Vocabulary items,
        Vocabulary categories,
        Vocabulary brands,
        Vocabulary shops,
        Vocabulary users,
        Vocabulary profileValues,
        List<String> profileAttributes) {

    private static final String PROFILE_ATTRIBUTES = "profile_attributes.txt";

    public FeatureVocabularies {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(categories, "categories");
        Objects.requireNonNull(brands, "brands");
        Objects.requireNonNull(shops, "shops");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(profileValues, "profileValues");
        profileAttributes = List.copyOf(profileAttributes);
    }

    /**
     * Builds the vocabularies from training sessions (their clicks and histories). Items seen fewer
     * than {@code minItemCount} times map to unknown; every category, brand, shop and user seen is
     * kept.
     *
     * @param profiles a user's profile attributes (empty map when unknown); its attribute names,
     *     sorted, become the profile slots
     */
    public static FeatureVocabularies build(
            Iterable<Session> sessions,
            Function<String, Map<String, String>> profiles,
            int minItemCount) {
        Vocabulary.Builder items = Vocabulary.builder("items");
        Vocabulary.Builder categories = Vocabulary.builder("categories");
        Vocabulary.Builder brands = Vocabulary.builder("brands");
        Vocabulary.Builder shops = Vocabulary.builder("shops");
        Vocabulary.Builder users = Vocabulary.builder("users");
        Vocabulary.Builder profileValues = Vocabulary.builder("profile");
        TreeSet<String> attributes = new TreeSet<>();
        for (Session s : sessions) {
            users.add(s.userId());
            // Histories repeat earlier sessions' clicks; counting clicks only keeps frequencies
            // honest.
            for (Behavior b : s.clicks()) {
                items.add(b.itemId());
                categories.add(b.categoryId());
                brands.add(b.brandId());
                shops.add(b.shopId());
            }
            Map<String, String> profile = profiles.apply(s.userId());
            if (profile != null) {
                for (Map.Entry<String, String> e : profile.entrySet()) {
                    attributes.add(e.getKey());
                    profileValues.add(profileToken(e.getKey(), e.getValue()));
                }
            }
        }
        return new FeatureVocabularies(
                items.build(minItemCount),
                categories.build(1),
                brands.build(1),
                shops.build(1),
                users.build(1),
                profileValues.build(1),
                List.copyOf(attributes));
    }

    /** How a profile attribute value is spelled in {@link #profileValues()}. */
    public static String profileToken(String attribute, String value) {
        return attribute + "=" + value;
    }

    /**
     * Number of profile slots the model has; at least one, so tensors never have a zero dimension.
     */
    public int profileSlots() {
        return Math.max(1, profileAttributes.size());
    }

    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            items.save(dir.resolve("items.txt"));
            categories.save(dir.resolve("categories.txt"));
            brands.save(dir.resolve("brands.txt"));
            shops.save(dir.resolve("shops.txt"));
            users.save(dir.resolve("users.txt"));
            profileValues.save(dir.resolve("profile.txt"));
            Files.write(dir.resolve(PROFILE_ATTRIBUTES), profileAttributes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write vocabularies to " + dir, e);
        }
    }

    public static FeatureVocabularies load(Path dir) {
        try {
            List<String> attributes =
                    Files.readAllLines(dir.resolve(PROFILE_ATTRIBUTES), StandardCharsets.UTF_8)
                            .stream()
                            .filter(l -> !l.isBlank())
                            .toList();
            return new FeatureVocabularies(
                    Vocabulary.load(dir.resolve("items.txt")),
                    Vocabulary.load(dir.resolve("categories.txt")),
                    Vocabulary.load(dir.resolve("brands.txt")),
                    Vocabulary.load(dir.resolve("shops.txt")),
                    Vocabulary.load(dir.resolve("users.txt")),
                    Vocabulary.load(dir.resolve("profile.txt")),
                    attributes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vocabularies from " + dir, e);
        }
    }
}
