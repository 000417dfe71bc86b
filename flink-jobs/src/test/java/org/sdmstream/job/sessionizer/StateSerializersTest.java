package org.sdmstream.job.sessionizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;

/**
 * What goes into a checkpoint is a contract: round trips, snapshot/restore, migration from v1 and
 * the exact bytes of formats v1 and v2.
 */
class StateSerializersTest {

    static UserTimeline timeline() {
        UserTimeline t = new UserTimeline();
        long t0 = 1_700_000_000_000L;
        t.accept(
                "u",
                new Click(
                        "u",
                        "sdk-1",
                        new Behavior("i1", "c1", null, "s1", t0),
                        Map.of("age", "25-34")),
                SessionRules.DEFAULT);
        t.accept(
                "u",
                new Click("u", null, new Behavior("i2", null, "b2", "s2", t0 + 3_600_000L)),
                SessionRules.DEFAULT);
        t.accept(
                "u",
                new Click("u", "sdk-2", new Behavior("i3", "c3", "b3", null, t0 + 3_600_500L)),
                SessionRules.DEFAULT);
        return t;
    }

    static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    static <T> T read(TypeSerializer<T> serializer, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        T value = serializer.deserialize(in);
        assertThat(in.available()).as("every byte consumed").isZero();
        return value;
    }

    static void assertSameTimeline(UserTimeline actual, UserTimeline expected) {
        assertThat(actual.history()).isEqualTo(expected.history());
        assertThat(actual.session()).isEqualTo(expected.session());
        assertThat(actual.lastClientSessionId()).isEqualTo(expected.lastClientSessionId());
        assertThat(actual.lastEventTime()).isEqualTo(expected.lastEventTime());
        assertThat(actual.sessionStart()).isEqualTo(expected.sessionStart());
        assertThat(actual.sameStartIndex()).isEqualTo(expected.sameStartIndex());
        assertThat(actual.profile()).isEqualTo(expected.profile());
    }

    @Test
    void timelineRoundTripsIncludingEmptyAndCopies() throws IOException {
        UserTimeline t = timeline();
        assertThat(t.history()).hasSize(1);
        assertSameTimeline(
                read(UserTimelineSerializer.INSTANCE, bytes(UserTimelineSerializer.INSTANCE, t)),
                t);
        assertSameTimeline(UserTimelineSerializer.INSTANCE.copy(t), t);
        UserTimeline empty = new UserTimeline();
        assertSameTimeline(
                read(
                        UserTimelineSerializer.INSTANCE,
                        bytes(UserTimelineSerializer.INSTANCE, empty)),
                empty);

        // The restored timeline keeps working: the next click continues the same session.
        UserTimeline restored =
                read(UserTimelineSerializer.INSTANCE, bytes(UserTimelineSerializer.INSTANCE, t));
        UserTimeline.Step step =
                restored.accept(
                        "u",
                        new Click("u", "sdk-2", Behavior.ofItem("i4", t.lastEventTime() + 1000)),
                        SessionRules.DEFAULT);
        assertThat(step.startedSession()).isFalse();
        assertThat(restored.session()).hasSize(3);
    }

    @Test
    void timelineFormatV1IsStillReadAndWrittenByTheLegacySerializer() throws IOException {
        // Golden bytes of release 0.1's format: savepoints in it must keep restoring. Never edit
        // these.
        String golden =
                HexFormat.of()
                        .formatHex(bytes(StateFormatV1.TimelineSerializer.INSTANCE, timeline()));
        assertThat(golden).isEqualTo(GOLDEN_TIMELINE_V1);
        assertSameTimeline(
                read(
                        StateFormatV1.TimelineSerializer.INSTANCE,
                        HexFormat.of().parseHex(GOLDEN_TIMELINE_V1)),
                timeline());
    }

    static final String GOLDEN_TIMELINE_V1 =
            "010369310363310003733180a0abfef962020369320003623203733280bab70303693303633303623300"
                    + "e8070673646b2d320000018bd01c58740000018bd01c56800001046167650632352d3334";

    @Test
    void timelineFormatV2IsFixed() throws IOException {
        // Golden bytes: if this changes, state written by running jobs becomes unreadable. Add a
        // format
        // v3 (StateFormatSnapshot) and keep a reader for v2 instead of editing this.
        String golden =
                HexFormat.of().formatHex(bytes(UserTimelineSerializer.INSTANCE, timeline()));
        assertThat(golden).isEqualTo(GOLDEN_TIMELINE_V2);
        assertSameTimeline(
                read(UserTimelineSerializer.INSTANCE, HexFormat.of().parseHex(GOLDEN_TIMELINE_V2)),
                timeline());
        assertThat(HexFormat.of().parseHex(GOLDEN_TIMELINE_V2))
                .hasSizeLessThan(HexFormat.of().parseHex(GOLDEN_TIMELINE_V1).length);
    }

    static final String GOLDEN_TIMELINE_V2 =
            "41"
                    + "010369310363310003733180a0abfef962020369320003623203733280bab70303693303633303623300"
                    + "e8070673646b2d3200e7070001046167650632352d3334";

    static PendingClicks goldenPending() {
        PendingClicks p = new PendingClicks();
        p.add(
                new Click(
                        "u",
                        "s",
                        new Behavior("b", "c", null, "x", 1_700_000_002_000L),
                        Map.of("g", "f")));
        p.add(new Click("u", null, Behavior.ofItem("a", 1_700_000_001_000L)));
        p.add(
                new Click(
                        "u",
                        "s",
                        new Behavior("d", null, null, "x", 1_700_000_002_000L),
                        Map.of("g", "f")));
        return p;
    }

    @Test
    void pendingClicksFormatV1IsStillReadAndWrittenByTheLegacySerializer() throws IOException {
        PendingClicks p = new PendingClicks();
        p.add(
                new Click(
                        "u",
                        "s",
                        new Behavior("b", "c", null, "x", 1_700_000_002_000L),
                        Map.of("g", "f")));
        p.add(new Click("u", null, Behavior.ofItem("a", 1_700_000_001_000L)));
        String golden =
                HexFormat.of().formatHex(bytes(StateFormatV1.PendingSerializer.INSTANCE, p));
        assertThat(golden).isEqualTo(GOLDEN_PENDING_V1);
        assertThat(
                        read(
                                        StateFormatV1.PendingSerializer.INSTANCE,
                                        HexFormat.of().parseHex(GOLDEN_PENDING_V1))
                                .clicks())
                .isEqualTo(p.clicks());
    }

    static final String GOLDEN_PENDING_V1 =
            "02027500010261000000d0afabfef96200027502730102620263000278d00f0102670266";

    @Test
    void pendingClicksFormatV2IsFixed() throws IOException {
        // Three clicks: the second has another profile (empty), the third the first's again; all
        // share the user.
        String golden =
                HexFormat.of().formatHex(bytes(PendingClicksSerializer.INSTANCE, goldenPending()));
        assertThat(golden).isEqualTo(GOLDEN_PENDING_V2);
        assertThat(
                        read(
                                        PendingClicksSerializer.INSTANCE,
                                        HexFormat.of().parseHex(GOLDEN_PENDING_V2))
                                .clicks())
                .isEqualTo(goldenPending().clicks());
    }

    static final String GOLDEN_PENDING_V2 =
            "2c"
                    + "03000275000261000000d0afabfef9620001027302620263000278d00f0102670266"
                    + "03027302640000027800";

    @Test
    void pendingClicksRoundTripInOrder() throws IOException {
        PendingClicks p = new PendingClicks();
        p.add(new Click("u", "s", new Behavior("b", "c", null, "x", 2000), Map.of("g", "f")));
        p.add(new Click("u", null, Behavior.ofItem("a", 1000)));
        p.add(new Click("u", null, Behavior.ofItem("b2", 2000)));
        PendingClicks back =
                read(PendingClicksSerializer.INSTANCE, bytes(PendingClicksSerializer.INSTANCE, p));
        assertThat(back.clicks()).isEqualTo(p.clicks());
        assertThat(back.clicks())
                .extracting(c -> c.behavior().itemId())
                .containsExactly("a", "b", "b2");
        assertThat(
                        read(
                                        PendingClicksSerializer.INSTANCE,
                                        bytes(
                                                PendingClicksSerializer.INSTANCE,
                                                new PendingClicks()))
                                .isEmpty())
                .isTrue();
        assertThat(PendingClicksSerializer.INSTANCE.copy(p).clicks()).isEqualTo(p.clicks());
    }

    @Test
    void snapshotsRestoreTheSerializerAndAcceptTheirOwnVersion() throws IOException {
        checkSnapshot(UserTimelineSerializer.INSTANCE, timeline());
        checkSnapshot(PendingClicksSerializer.INSTANCE, goldenPending());
        checkSnapshot(StateFormatV1.TimelineSerializer.INSTANCE, timeline());
        checkSnapshot(StateFormatV1.PendingSerializer.INSTANCE, goldenPending());
    }

    private static <T> void checkSnapshot(TypeSerializer<T> serializer, T value)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<T> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        StateSerializersTest.class.getClassLoader());

        TypeSerializer<T> restoredSerializer = restored.restoreSerializer();
        assertThat(restoredSerializer).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<T> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        assertThat(restored.getCurrentVersion())
                .isEqualTo(serializer.snapshotConfiguration().getCurrentVersion());
        // Data written before the "restart" is read by the restored serializer.
        byte[] written = bytes(serializer, value);
        assertThat(bytes(restoredSerializer, read(restoredSerializer, written))).isEqualTo(written);
    }

    @Test
    void aV1SnapshotIsByteForByteWhatRelease01WroteAndRestoresTheV1ReaderForMigration()
            throws IOException {
        // Release 0.1's snapshots: class name, version 1, no content (its writeSnapshot wrote
        // nothing).
        checkV1Snapshot(
                StateFormatV1.TimelineSerializer.INSTANCE,
                UserTimelineSerializer.INSTANCE,
                "org.sdmstream.job.functions.UserTimelineSerializer$Snapshot");
        checkV1Snapshot(
                StateFormatV1.PendingSerializer.INSTANCE,
                PendingClicksSerializer.INSTANCE,
                "org.sdmstream.job.functions.PendingClicksSerializer$Snapshot");
    }

    private static <T> void checkV1Snapshot(
            TypeSerializer<T> v1, TypeSerializer<T> current, String snapshotClass)
            throws IOException {
        DataOutputSerializer release01 = new DataOutputSerializer(64);
        release01.writeUTF(snapshotClass);
        release01.writeInt(1);
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, v1.snapshotConfiguration());
        assertThat(out.getCopyOfBuffer()).isEqualTo(release01.getCopyOfBuffer());

        TypeSerializerSnapshot<T> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(release01.getCopyOfBuffer()),
                        StateSerializersTest.class.getClassLoader());
        assertThat(restored.restoreSerializer()).isEqualTo(v1).isNotEqualTo(current);
        assertThat(
                        current.snapshotConfiguration()
                                .resolveSchemaCompatibility(restored)
                                .isCompatibleAfterMigration())
                .as("the current job migrates v1 state")
                .isTrue();
        assertThat(
                        v1.snapshotConfiguration()
                                .resolveSchemaCompatibility(restored)
                                .isCompatibleAsIs())
                .as("release 0.1 restoring its own snapshot")
                .isTrue();
        assertThat(
                        v1.snapshotConfiguration()
                                .resolveSchemaCompatibility(current.snapshotConfiguration())
                                .isIncompatible())
                .as("no downgrade from v2 to v1")
                .isTrue();
    }

    @Test
    void currentSnapshotsKeepTheClassNamesThatSavepointsRecord() throws IOException {
        // Flink finds a snapshot class by the name a checkpoint recorded: moving one breaks every
        // restore.
        checkSnapshotClass(
                UserTimelineSerializer.INSTANCE,
                "org.sdmstream.job.functions.UserTimelineSerializer$Snapshot");
        checkSnapshotClass(
                PendingClicksSerializer.INSTANCE,
                "org.sdmstream.job.functions.PendingClicksSerializer$Snapshot");
    }

    private static void checkSnapshotClass(TypeSerializer<?> serializer, String snapshotClass)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        assertThat(new DataInputDeserializer(out.getCopyOfBuffer()).readUTF())
                .isEqualTo(snapshotClass);
    }

    @Test
    void anUnknownFutureFormatVersionIsRefusedWithAClearMessage() {
        assertThatThrownBy(
                        () ->
                                new org.sdmstream.job.functions.UserTimelineSerializer.Snapshot()
                                        .readSnapshot(
                                                3,
                                                new DataInputDeserializer(new byte[0]),
                                                getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format v3")
                .hasMessageContaining("reads v1 to v2");
        assertThatThrownBy(
                        () ->
                                new org.sdmstream.job.functions.PendingClicksSerializer.Snapshot()
                                        .readSnapshot(
                                                3,
                                                new DataInputDeserializer(new byte[0]),
                                                getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format v3");
    }

    @Test
    void nonAsciiStringsNullsAndEmptiesRoundTripInV2() throws IOException {
        UserTimeline t = new UserTimeline();
        long t0 = 1_700_000_000_000L;
        t.accept(
                "ü",
                new Click(
                        "ü",
                        "sitzung-ß",
                        new Behavior("Äpfel-🍎", "", null, "店", t0),
                        Map.of("ä", "€", "", "x")),
                SessionRules.DEFAULT);
        t.accept(
                "ü",
                new Click("ü", null, new Behavior("i", null, "b", null, t0 - 1 + 3_600_000L)),
                SessionRules.DEFAULT);
        assertSameTimeline(
                read(UserTimelineSerializer.INSTANCE, bytes(UserTimelineSerializer.INSTANCE, t)),
                t);

        PendingClicks p = new PendingClicks();
        p.add(new Click("ü", "", new Behavior("🍎", "", null, "店", -5), Map.of("ä", "€")));
        p.add(new Click("v", null, Behavior.ofItem("x", Long.MAX_VALUE)));
        p.add(new Click("v", null, Behavior.ofItem("y", Long.MAX_VALUE), Map.of("ä", "€")));
        assertThat(
                        read(
                                        PendingClicksSerializer.INSTANCE,
                                        bytes(PendingClicksSerializer.INSTANCE, p))
                                .clicks())
                .isEqualTo(p.clicks());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomStateReadInV1AndRewrittenInV2IsTheSame(long seed) throws IOException {
        // What the backend does on migration: read with the v1 serializer, write with v2.
        Random random = new Random(seed);
        UserTimeline t = new UserTimeline();
        PendingClicks p = new PendingClicks();
        long time = random.nextLong(0, 2_000_000_000_000L);
        for (int i = 0, n = random.nextInt(120); i < n; i++) {
            time +=
                    random.nextInt(5) == 0
                            ? random.nextLong(0, 10 * 86_400_000L)
                            : random.nextInt(700_000);
            Click c = randomClick(random, time);
            t.accept("u", c, SessionRules.DEFAULT);
            if (random.nextInt(4) == 0) {
                p.add(randomClick(random, time + random.nextInt(100_000) - 50_000));
            }
        }
        UserTimeline viaV1 =
                read(
                        StateFormatV1.TimelineSerializer.INSTANCE,
                        bytes(StateFormatV1.TimelineSerializer.INSTANCE, t));
        assertSameTimeline(
                read(
                        UserTimelineSerializer.INSTANCE,
                        bytes(UserTimelineSerializer.INSTANCE, viaV1)),
                t);
        PendingClicks pendingViaV1 =
                read(
                        StateFormatV1.PendingSerializer.INSTANCE,
                        bytes(StateFormatV1.PendingSerializer.INSTANCE, p));
        assertThat(
                        read(
                                        PendingClicksSerializer.INSTANCE,
                                        bytes(PendingClicksSerializer.INSTANCE, pendingViaV1))
                                .clicks())
                .isEqualTo(p.clicks());
        // Copying serialized bytes (what Flink does e.g. in copy(DataInputView, DataOutputView))
        // keeps them.
        DataOutputSerializer copied = new DataOutputSerializer(64);
        byte[] v2 = bytes(UserTimelineSerializer.INSTANCE, t);
        UserTimelineSerializer.INSTANCE.copy(new DataInputDeserializer(v2), copied);
        assertSameTimeline(read(UserTimelineSerializer.INSTANCE, copied.getCopyOfBuffer()), t);
    }

    private static Click randomClick(Random random, long time) {
        String[] pick = {
            null,
            "",
            "c" + random.nextInt(1000),
            "ß" + random.nextInt(10),
            "s" + random.nextInt(100)
        };
        Behavior b =
                new Behavior(
                        "i" + random.nextInt(100_000),
                        pick[random.nextInt(pick.length)],
                        pick[random.nextInt(pick.length)],
                        pick[random.nextInt(pick.length)],
                        time);
        Map<String, String> profile =
                switch (random.nextInt(3)) {
                    case 0 -> Map.of();
                    case 1 -> Map.of("age", "25-34", "gender", "f");
                    default -> Map.of("age", String.valueOf(random.nextInt(3)));
                };
        return new Click(
                random.nextInt(8) == 0 ? "other" : "u",
                random.nextBoolean() ? null : "sdk-" + random.nextInt(3),
                b,
                profile);
    }

    @Test
    void corruptStateFailsInsteadOfReadingGarbage() {
        byte[] garbage =
                new byte[] {
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff
                };
        assertThatThrownBy(() -> read(UserTimelineSerializer.INSTANCE, garbage))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read(StateFormatV1.TimelineSerializer.INSTANCE, garbage))
                .isInstanceOf(IOException.class);
        // A value, or one history entry's item id in it, claiming 2^30 bytes: refused before
        // allocating them.
        assertThatThrownBy(
                        () ->
                                read(
                                        UserTimelineSerializer.INSTANCE,
                                        new byte[] {
                                            (byte) 0x81,
                                            (byte) 0x80,
                                            (byte) 0x80,
                                            (byte) 0x80,
                                            0x04,
                                            'x'
                                        }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt state: value of");
        assertThatThrownBy(
                        () ->
                                read(
                                        UserTimelineSerializer.INSTANCE,
                                        new byte[] {
                                            7,
                                            1,
                                            (byte) 0x81,
                                            (byte) 0x80,
                                            (byte) 0x80,
                                            (byte) 0x80,
                                            0x04,
                                            'x'
                                        }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt state: string of");
        // A value longer than its content, or shorter.
        byte[] golden = HexFormat.of().parseHex(GOLDEN_TIMELINE_V2);
        byte[] longer = java.util.Arrays.copyOf(golden, golden.length + 1);
        longer[0]++;
        assertThatThrownBy(() -> read(UserTimelineSerializer.INSTANCE, longer))
                .hasMessageContaining("left over");
        byte[] shorter = java.util.Arrays.copyOf(golden, golden.length - 1);
        shorter[0]--;
        assertThatThrownBy(() -> read(UserTimelineSerializer.INSTANCE, shorter))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read(PendingClicksSerializer.INSTANCE, new byte[] {2, 1, 3}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("flags");
    }

    @Test
    void pendingClicksSortByTimeWithTiesInArrivalOrder() {
        PendingClicks p = new PendingClicks();
        List<String> arrival = new ArrayList<>();
        long[] times = {5, 3, 5, 1, 3, 9, 5};
        for (int i = 0; i < times.length; i++) {
            p.add(new Click("u", null, Behavior.ofItem("i" + i, times[i])));
            arrival.add("i" + i);
        }
        assertThat(p.clicks())
                .extracting(c -> c.behavior().itemId())
                .containsExactly("i3", "i1", "i4", "i0", "i2", "i6", "i5");
        assertThat(p.takeUpTo(3))
                .extracting(c -> c.behavior().itemId())
                .containsExactly("i3", "i1", "i4");
        assertThat(p.size()).isEqualTo(4);
    }
}
