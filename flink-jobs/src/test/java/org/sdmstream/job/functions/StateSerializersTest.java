package org.sdmstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;

/** What goes into a checkpoint is a contract: round trips, snapshot/restore and the exact bytes of format v1. */
class StateSerializersTest {

    static UserTimeline timeline() {
        UserTimeline t = new UserTimeline();
        long t0 = 1_700_000_000_000L;
        t.accept("u", new Click("u", "sdk-1", new Behavior("i1", "c1", null, "s1", t0), Map.of("age", "25-34")),
                SessionRules.DEFAULT);
        t.accept("u", new Click("u", null, new Behavior("i2", null, "b2", "s2", t0 + 3_600_000L)), SessionRules.DEFAULT);
        t.accept("u", new Click("u", "sdk-2", new Behavior("i3", "c3", "b3", null, t0 + 3_600_500L)), SessionRules.DEFAULT);
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
        assertSameTimeline(read(UserTimelineSerializer.INSTANCE, bytes(UserTimelineSerializer.INSTANCE, t)), t);
        assertSameTimeline(UserTimelineSerializer.INSTANCE.copy(t), t);
        UserTimeline empty = new UserTimeline();
        assertSameTimeline(read(UserTimelineSerializer.INSTANCE, bytes(UserTimelineSerializer.INSTANCE, empty)), empty);

        // The restored timeline keeps working: the next click continues the same session.
        UserTimeline restored = read(UserTimelineSerializer.INSTANCE, bytes(UserTimelineSerializer.INSTANCE, t));
        UserTimeline.Step step = restored.accept("u",
                new Click("u", "sdk-2", Behavior.ofItem("i4", t.lastEventTime() + 1000)), SessionRules.DEFAULT);
        assertThat(step.startedSession()).isFalse();
        assertThat(restored.session()).hasSize(3);
    }

    @Test
    void timelineFormatV1IsFixed() throws IOException {
        // Golden bytes: if this changes, state written by running jobs becomes unreadable. Bump
        // Snapshot.FORMAT_V1 to a new version and keep a reader for v1 instead of editing this.
        String golden = HexFormat.of().formatHex(bytes(UserTimelineSerializer.INSTANCE, timeline()));
        assertThat(golden).isEqualTo(GOLDEN_TIMELINE_V1);
        assertSameTimeline(read(UserTimelineSerializer.INSTANCE, HexFormat.of().parseHex(GOLDEN_TIMELINE_V1)), timeline());
    }

    static final String GOLDEN_TIMELINE_V1 = "010369310363310003733180a0abfef962020369320003623203733280bab70303693303633303623300"
            + "e8070673646b2d320000018bd01c58740000018bd01c56800001046167650632352d3334";

    @Test
    void pendingClicksFormatV1IsFixed() throws IOException {
        PendingClicks p = new PendingClicks();
        p.add(new Click("u", "s", new Behavior("b", "c", null, "x", 1_700_000_002_000L), Map.of("g", "f")));
        p.add(new Click("u", null, Behavior.ofItem("a", 1_700_000_001_000L)));
        String golden = HexFormat.of().formatHex(bytes(PendingClicksSerializer.INSTANCE, p));
        assertThat(golden).isEqualTo(GOLDEN_PENDING_V1);
        assertThat(read(PendingClicksSerializer.INSTANCE, HexFormat.of().parseHex(GOLDEN_PENDING_V1)).clicks())
                .isEqualTo(p.clicks());
    }

    static final String GOLDEN_PENDING_V1 = "02027500010261000000d0afabfef96200027502730102620263000278d00f0102670266";

    @Test
    void pendingClicksRoundTripInOrder() throws IOException {
        PendingClicks p = new PendingClicks();
        p.add(new Click("u", "s", new Behavior("b", "c", null, "x", 2000), Map.of("g", "f")));
        p.add(new Click("u", null, Behavior.ofItem("a", 1000)));
        p.add(new Click("u", null, Behavior.ofItem("b2", 2000)));
        PendingClicks back = read(PendingClicksSerializer.INSTANCE, bytes(PendingClicksSerializer.INSTANCE, p));
        assertThat(back.clicks()).isEqualTo(p.clicks());
        assertThat(back.clicks()).extracting(c -> c.behavior().itemId()).containsExactly("a", "b", "b2");
        assertThat(read(PendingClicksSerializer.INSTANCE, bytes(PendingClicksSerializer.INSTANCE, new PendingClicks())).isEmpty()).isTrue();
        assertThat(PendingClicksSerializer.INSTANCE.copy(p).clicks()).isEqualTo(p.clicks());
    }

    @Test
    void snapshotsRestoreTheSerializerAndAcceptTheirOwnVersion() throws IOException {
        checkSnapshot(UserTimelineSerializer.INSTANCE, timeline());
        PendingClicks p = new PendingClicks();
        p.add(new Click("u", null, Behavior.ofItem("a", 1000)));
        checkSnapshot(PendingClicksSerializer.INSTANCE, p);
    }

    private static <T> void checkSnapshot(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<T> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), StateSerializersTest.class.getClassLoader());

        TypeSerializer<T> restoredSerializer = restored.restoreSerializer();
        assertThat(restoredSerializer).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<T> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        // Data written before the "restart" is read by the restored serializer.
        byte[] written = bytes(serializer, value);
        assertThat(bytes(restoredSerializer, read(restoredSerializer, written))).isEqualTo(written);
    }

    @Test
    void anUnknownFutureFormatVersionIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> new UserTimelineSerializer.Snapshot().readSnapshot(2, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format v2");
    }

    @Test
    void corruptStateFailsInsteadOfReadingGarbage() {
        byte[] garbage = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> read(UserTimelineSerializer.INSTANCE, garbage)).isInstanceOf(IOException.class);
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
        assertThat(p.clicks()).extracting(c -> c.behavior().itemId())
                .containsExactly("i3", "i1", "i4", "i0", "i2", "i6", "i5");
        assertThat(p.takeUpTo(3)).extracting(c -> c.behavior().itemId()).containsExactly("i3", "i1", "i4");
        assertThat(p.size()).isEqualTo(4);
    }
}
