package org.sdmstream.job.sessionizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sdmstream.job.TestClicks.MINUTE;
import static org.sdmstream.job.TestClicks.T0;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.job.TestClicks;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * State written by release 0.1 (format v1) restores into the current job (format v2) and the job
 * carries on as if it had never stopped, on RocksDB (values migrated one by one when the states are
 * registered) and on the heap backend.
 *
 * <p>The "release 0.1 job" here is today's {@link ClickSessionizer} given the legacy {@link
 * StateFormatV1} serializers. That reproduces release 0.1's snapshot exactly: the same operator and
 * function, the same state names and TTL settings (the descriptors come from the same code), the
 * same value bytes (StateSerializersTest pins them against release 0.1's golden bytes) and the same
 * serializer snapshots (class {@code UserTimelineSerializer$Snapshot} / {@code
 * PendingClicksSerializer$Snapshot}, version 1, no content: also pinned byte for byte there).
 * Timers and the rest of the operator state do not involve these serializers.
 */
class StateFormatMigrationTest {

    private final List<KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures>>
            open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : open) {
            h.close();
        }
    }

    static ClickSessionizer release01Job() {
        return new ClickSessionizer(
                ClickSessionizerTest.SETTINGS,
                StateFormatV1.TimelineSerializer.INSTANCE,
                StateFormatV1.PendingSerializer.INSTANCE);
    }

    static ClickSessionizer currentJob() {
        return new ClickSessionizer(ClickSessionizerTest.SETTINGS);
    }

    static StateBackend backend(String name) {
        return name.equals("rocksdb")
                ? new EmbeddedRocksDBStateBackend()
                : new HashMapStateBackend();
    }

    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> harness(
            ClickSessionizer job, String backend, OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures>(
                        new KeyedProcessOperator<>(job), ClickEvent::getUserId, Types.STRING);
        h.setStateBackend(backend(backend));
        open.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** A user's two states as the job sees them (read through the job's own descriptors). */
    record UserState(UserTimeline timeline, PendingClicks pending) {}

    static Map<String, UserState> states(
            KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> h,
            ClickSessionizer job,
            List<String> users)
            throws Exception {
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        ValueState<UserTimeline> timeline = state(backend, job.timelineState());
        ValueState<PendingClicks> pending = state(backend, job.pendingState());
        Map<String, UserState> states = new TreeMap<>();
        for (String user : users) {
            backend.setCurrentKey(user);
            // Copies: on the heap backend these are the live objects, which the job goes on
            // changing.
            UserTimeline t = timeline.value();
            PendingClicks p = pending.value();
            states.put(
                    user,
                    new UserState(
                            t == null ? null : UserTimelineSerializer.copyOf(t),
                            p == null ? null : PendingClicksSerializer.INSTANCE.copy(p)));
        }
        return states;
    }

    private static <T> ValueState<T> state(
            KeyedStateBackend<String> backend, ValueStateDescriptor<T> descriptor)
            throws Exception {
        return backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
    }

    /**
     * Clicks of a few users with some disorder, profiles that change, non-ASCII ids, missing
     * fields.
     */
    static List<ClickEvent> clicks(Random random, int n) {
        List<ClickEvent> clicks = new ArrayList<>();
        String[] users = {"u0", "u1", "ü2", "用户3", "u4"};
        for (int i = 0; i < n; i++) {
            long time = T0 + i * 20_000L + random.nextInt(4000);
            if (random.nextInt(40) == 0) {
                time += 30 * MINUTE;
            }
            int item = random.nextInt(50);
            Map<String, String> profile =
                    switch (random.nextInt(6)) {
                        case 0 -> null;
                        case 1 -> Map.of("age", "35-44", "städt", "ja");
                        default -> Map.of("age", "25-34", "gender", "f");
                    };
            clicks.add(
                    ClickEvent.newBuilder()
                            .setUserId(users[random.nextInt(users.length)])
                            .setItemId((item % 7 == 0 ? "é" : "i") + item)
                            .setCategoryId(item % 5 == 0 ? "" : "c" + (item % 9))
                            .setBrandId(item % 3 == 0 ? null : "b" + item)
                            .setShopId("s" + item)
                            .setSessionId(random.nextBoolean() ? "sdk-" + random.nextInt(2) : null)
                            .setEventTime(Instant.ofEpochMilli(time))
                            .setProfile(profile)
                            .build());
        }
        clicks.sort(Comparator.comparing(c -> c.getEventTime().toEpochMilli()));
        for (int i = 0;
                i + 3 < clicks.size();
                i += 3) { // arrival order: clicks overtake each other
            if (clicks.get(i + 2).getEventTime().toEpochMilli()
                            - clicks.get(i).getEventTime().toEpochMilli()
                    < 60_000) {
                Collections.swap(clicks, i, i + 2);
            }
        }
        return clicks;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "heap"})
    void stateWrittenInFormatV1RestoresIntoTheCurrentJobAndProcessingContinues(String backend)
            throws Exception {
        List<ClickEvent> clicks = clicks(new Random(11), 400);
        List<String> users =
                clicks.stream().map(ClickEvent::getUserId).distinct().sorted().toList();
        List<SessionFeatures> out = new ArrayList<>();
        long maxSeen = Long.MIN_VALUE;

        // Release 0.1 runs the first half and takes a snapshot with clicks still waiting for the
        // watermark.
        ClickSessionizer oldJob = release01Job();
        var before = harness(oldJob, backend, null);
        for (ClickEvent c : clicks.subList(0, 200)) {
            ClickSessionizerTest.send(before, c);
            maxSeen = Math.max(maxSeen, c.getEventTime().toEpochMilli());
            before.processWatermark(maxSeen - 60_000);
        }
        out.addAll(before.extractOutputValues());
        Map<String, UserState> v1States = states(before, oldJob, users);
        OperatorSubtaskState v1Snapshot = before.snapshot(1L, 0L);
        before.close();
        open.remove(before);
        assertThat(v1States.values())
                .as("every user has a timeline")
                .allMatch(s -> s.timeline() != null);
        assertThat(
                        v1States.values().stream()
                                .filter(s -> s.pending() != null && !s.pending().isEmpty())
                                .count())
                .as("some users have clicks waiting")
                .isGreaterThanOrEqualTo(2);

        // The current job restores it: the same timelines and pending clicks come back.
        ClickSessionizer newJob = currentJob();
        var after = harness(newJob, backend, v1Snapshot);
        Map<String, UserState> migrated = states(after, newJob, users);
        assertThat(migrated.keySet()).isEqualTo(v1States.keySet());
        for (String user : users) {
            StateSerializersTest.assertSameTimeline(
                    migrated.get(user).timeline(), v1States.get(user).timeline());
            assertThat(pendingClicks(migrated.get(user).pending()))
                    .as(user)
                    .isEqualTo(pendingClicks(v1States.get(user).pending()));
        }

        // ... and carries on exactly as an uninterrupted run.
        for (ClickEvent c : clicks.subList(200, clicks.size())) {
            ClickSessionizerTest.send(after, c);
            maxSeen = Math.max(maxSeen, c.getEventTime().toEpochMilli());
            after.processWatermark(maxSeen - 60_000);
        }
        OperatorSubtaskState v2Snapshot = after.snapshot(2L, 0L);
        Map<String, UserState> beforeSecondRestore = states(after, newJob, users);
        after.processWatermark(Long.MAX_VALUE);
        out.addAll(after.extractOutputValues());
        assertThat(after.getSideOutput(ClickSessionizer.LATE_CLICKS)).isNull();
        List<ModelInput> expected =
                TestClicks.offlineModelInputs(clicks, ClickSessionizerTest.RULES);
        assertThat(ClickSessionizerTest.byUserInOrder(ClickSessionizerTest.modelInputs(out)))
                .isEqualTo(ClickSessionizerTest.byUserInOrder(expected));

        // The next snapshot is in format v2: the current job restores it as is, release 0.1 refuses
        // it.
        ClickSessionizer again = currentJob();
        Map<String, UserState> restoredAgain =
                states(harness(again, backend, v2Snapshot), again, users);
        for (String user : users) {
            StateSerializersTest.assertSameTimeline(
                    restoredAgain.get(user).timeline(), beforeSecondRestore.get(user).timeline());
            assertThat(pendingClicks(restoredAgain.get(user).pending()))
                    .isEqualTo(pendingClicks(beforeSecondRestore.get(user).pending()));
        }
        assertThatThrownBy(() -> harness(release01Job(), backend, v2Snapshot))
                .as("no silent downgrade")
                .hasStackTraceContaining("ncompatible");
    }

    private static List<Click> pendingClicks(PendingClicks p) {
        return p == null ? List.of() : p.clicks();
    }
}
