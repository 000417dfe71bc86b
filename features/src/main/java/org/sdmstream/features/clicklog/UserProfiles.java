package org.sdmstream.features.clicklog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * User profiles read from a user-profile file (see {@link UserFileFormat} for how columns become
 * entries), for attaching to clicks by user id. Rows with an empty user id, a repeated user id or a
 * wrong column count are bad rows in {@link #report()}.
 *
 * @param profiles profile entries by user id (each map unmodifiable; empty values are left out)
 * @param report what reading the file found
 */
public record UserProfiles(Map<String, Map<String, String>> profiles, ReadReport report) {

    public UserProfiles {
        profiles = Map.copyOf(profiles);
    }

    /** The profile of {@code userId}, or null when the file does not list the user. */
    public Map<String, String> get(String userId) {
        return profiles.get(userId);
    }

    public int size() {
        return profiles.size();
    }

    public static UserProfiles read(Path file, UserFileFormat format) {
        return read(file, format, ReadLimits.DEFAULT);
    }

    public static UserProfiles read(Path file, UserFileFormat format, ReadLimits limits) {
        Map<String, Map<String, String>> profiles = new HashMap<>();
        Map<String, Long> firstLine = new HashMap<>();
        StringPool pool = new StringPool();
        DelimitedReader reader =
                new DelimitedReader(
                        format.separator(),
                        true,
                        0,
                        limits.keepBadRows(),
                        limits.stopAfterBadRows());
        String source = file.toString();
        ReadReport report =
                reader.read(
                        file,
                        header -> {
                            int userAt =
                                    DelimitedReader.require(format.user(), "user", header, source);
                            List<Integer> kept = new ArrayList<>();
                            List<String> keys = new ArrayList<>();
                            for (int i = 0; i < header.size(); i++) {
                                String key =
                                        ColumnRef.baseName(header.get(i)).toLowerCase(Locale.ROOT);
                                if (i != userAt
                                        && !key.isEmpty()
                                        && !format.dropColumns().contains(key)) {
                                    kept.add(i);
                                    keys.add(pool.intern(key));
                                }
                            }
                            return (fields, line) -> {
                                String user = DelimitedReader.field(fields, userAt, "user");
                                if (user.isEmpty()) {
                                    throw new DelimitedReader.RowError("empty user id");
                                }
                                Long seen = firstLine.putIfAbsent(user, line);
                                if (seen != null) {
                                    throw new DelimitedReader.RowError(
                                            "user " + user + " already listed at line " + seen);
                                }
                                Map<String, String> profile = new LinkedHashMap<>();
                                for (int k = 0; k < kept.size(); k++) {
                                    String key = keys.get(k);
                                    String v = DelimitedReader.field(fields, kept.get(k), key);
                                    if (key.equals(format.ageColumn())) {
                                        v = UserFileFormat.ageBucket(v);
                                    }
                                    if (!v.isEmpty()) {
                                        profile.put(key, pool.intern(v));
                                    }
                                }
                                profiles.put(pool.intern(user), Map.copyOf(profile));
                                return DelimitedReader.Outcome.RECORD;
                            };
                        });
        return new UserProfiles(profiles, report);
    }
}
