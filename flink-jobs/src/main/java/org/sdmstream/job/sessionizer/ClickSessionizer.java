package org.sdmstream.job.sessionizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;

/**
 * Keyed by user: applies each click to the user's {@link UserTimeline} in event-time order and
 * emits the per-click {@link SessionFeatures} (the model input). The session rules themselves live
 * in sdm-features; this class only orders clicks, keeps state and frees it.
 *
 * <p>Ordering. A click ahead of the watermark waits in the user's {@link PendingClicks} until the
 * watermark passes it: the buffer keeps one event-time timer, at its first click, which applies
 * every click the watermark has passed (while the user has spilled clicks, those up to its own
 * time) and sets the timer for the next. A click at or behind the watermark (within the allowed
 * lateness) and not older than the user's last applied click is in order for this user and is
 * applied at once: every pending click is ahead of the watermark, hence after it. Anything older is
 * late: it goes to the {@link #LATE_CLICKS} side output and a metric, never silently away.
 *
 * <p>State (designed for RocksDB: a read and a write of one compact value per step, no MapState
 * iteration, whose tombstones make RocksDB seeks crawl): the whole timeline in one {@code
 * ValueState} with a hand-written serializer, the pending buffer in a second small one. A timeline
 * expires once event time passes its last click + horizon + allowed lateness (after that it cannot
 * influence any session; see {@link UserTimeline#expiredAt}); expiry timers are rounded up to a
 * resolution so a user's clicks share few timers. A processing-time TTL is the backstop.
 *
 * <p>Spill. The pending buffer is one value read and written whole per click, so it holds at most
 * {@link SessionizerSettings#maxPendingClicks()}; a user with more clicks ahead of the watermark (a
 * backlog after a restore, partitions read at different speeds) spills the rest into a map keyed by
 * event time, one entry per millisecond, read back by point look-ups as their timers fire: on
 * RocksDB that is disk, not heap, so memory stays bounded and no click is refused. Once a user
 * spills, every further click spills until the spill is drained, so ties keep arrival order.
 *
 * <p>Heap buffer. Run by a {@link SessionizerOperator}, the pending buffers live on the heap
 * ({@link HeapPendingClicks}, at most {@link SessionizerSettings#heapPendingClicks()} clicks plus
 * one per user per subtask) and reach keyed state at each checkpoint instead of at each click;
 * users who do not fit, and any run by a plain {@code KeyedProcessOperator}, keep their buffer in
 * keyed state as above. Users whose buffer emptied are remembered as having none in keyed state, so
 * that their next click, and their timers with nothing due, read no state.
 *
 * <p>Bounded wait ({@link SessionizerSettings#maxWait()} positive): each buffered click also sets a
 * processing-time timer at most that far ahead (on a {@value #MAX_WAIT_GRID_MILLIS} ms grid, so a
 * burst shares one); when it fires, the user's whole buffer is applied in event-time order although
 * the watermark has not passed it. A live stream then answers within the bound even with a generous
 * out-of-orderness; a click that arrives afterwards with an earlier time is late, exactly as after
 * any applied click.
 */
public class ClickSessionizer extends KeyedProcessFunction<String, ClickEvent, SessionFeatures> {

    private static final long serialVersionUID = 1L;

    /**
     * Clicks older than the user's last applied click, or behind watermark minus allowed lateness.
     */
    public static final OutputTag<ClickEvent> LATE_CLICKS =
            new OutputTag<>("late-clicks", new AvroTypeInfo<>(ClickEvent.class));

    /**
     * Clicks refused inside the sessionizer (none today: a full pending buffer spills; kept for the
     * job graph).
     */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("sessionizer-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    static final String TIMELINE_STATE = "user-timeline";
    static final String PENDING_STATE = "pending-clicks";
    static final String SPILL_STATE = "pending-spill";
    static final String SPILL_SIZE_STATE = "pending-spill-size";

    private final SessionizerSettings settings;
    private final SessionRules rules;
    private final long allowedLatenessMillis;
    private final long expiryResolutionMillis;
    private final long maxWaitMillis;
    private final TypeSerializer<UserTimeline> timelineSerializer;
    private final TypeSerializer<PendingClicks> pendingSerializer;

    /**
     * Set by {@link SessionizerOperator}, which writes the heap buffer to state at every snapshot;
     * without that operator the buffers stay in keyed state.
     */
    private boolean heapBuffered;

    /** The pending buffers on the heap; null when not {@link #heapBuffered}. */
    private transient HeapPendingClicks heap;

    /** Bounded-wait timers are rounded up to this grid, so a burst of clicks shares one timer. */
    static final long MAX_WAIT_GRID_MILLIS = 10;

    private transient ValueState<UserTimeline> timeline;
    private transient ValueState<PendingClicks> pending;

    /**
     * Clicks beyond the buffer's cap, by event time; {@link #spillSize} says how many (0 or absent:
     * none).
     */
    private transient MapState<Long, PendingClicks> spill;

    private transient ValueState<Integer> spillSize;

    private transient Counter clicksIn;
    private transient Counter sessionsOpened;
    private transient Counter sessionsClosed;
    private transient Counter lateClicks;
    private transient Counter spilledClicks;
    private transient Counter statesExpired;
    private transient Counter appliedBeforeWatermark;
    private transient Counter pendingStateReads;
    private transient Histogram pendingBufferSize;

    public ClickSessionizer(SessionizerSettings settings) {
        this(settings, UserTimelineSerializer.INSTANCE, PendingClicksSerializer.INSTANCE);
    }

    /**
     * With other state serializers: the format-migration test runs the previous release's format
     * with it.
     */
    ClickSessionizer(
            SessionizerSettings settings,
            TypeSerializer<UserTimeline> timelineSerializer,
            TypeSerializer<PendingClicks> pendingSerializer) {
        this.settings = settings;
        this.rules = settings.rules();
        this.allowedLatenessMillis = settings.allowedLateness().toMillis();
        this.expiryResolutionMillis = settings.expiryTimerResolution().toMillis();
        this.maxWaitMillis = settings.maxWait().toMillis();
        this.timelineSerializer = timelineSerializer;
        this.pendingSerializer = pendingSerializer;
    }

    @Override
    public void open(OpenContext openContext) {
        timeline = getRuntimeContext().getState(timelineState());
        pending = getRuntimeContext().getState(pendingState());
        spill = getRuntimeContext().getMapState(spillState());
        spillSize = getRuntimeContext().getState(spillSizeState());

        var metrics = getRuntimeContext().getMetricGroup();
        clicksIn = metrics.counter("clicksIn");
        sessionsOpened = metrics.counter("sessionsOpened");
        sessionsClosed = metrics.counter("sessionsClosed");
        lateClicks = metrics.counter("lateClicks");
        spilledClicks = metrics.counter("clicksSpilled");
        statesExpired = metrics.counter("statesExpired");
        appliedBeforeWatermark = metrics.counter("clicksAppliedBeforeWatermark");
        pendingStateReads = metrics.counter("pendingStateReads");
        pendingBufferSize =
                metrics.histogram("pendingBufferSize", new DescriptiveStatisticsHistogram(1000));
        if (heapBuffered) {
            heap = new HeapPendingClicks(settings.heapPendingClicks());
            HeapPendingClicks onHeap = heap;
            metrics.gauge("pendingClicksOnHeap", (Gauge<Integer>) onHeap::clicks);
            metrics.gauge("pendingUsersOnHeap", (Gauge<Integer>) onHeap::users);
            metrics.gauge("pendingUsersKnownEmpty", (Gauge<Integer>) onHeap::knownEmptyUsers);
        }
    }

    /**
     * Keeps pending buffers on the heap; only for an operator that calls {@link
     * #writePendingToState} before every snapshot. The flag travels with this instance: it must not
     * be run by any other operator afterwards.
     */
    ClickSessionizer heapBuffered() {
        heapBuffered = true;
        return this;
    }

    /**
     * Writes the heap's changed buffers into keyed state, each under its user's key (set by {@code
     * keys}); called as the snapshot starts, before the state backend snapshots.
     */
    void writePendingToState(Consumer<String> keys) throws Exception {
        if (heap == null) {
            return;
        }
        heap.writeChanged(
                (user, clicks) -> {
                    keys.accept(user);
                    if (clicks == null) {
                        pending.clear();
                    } else {
                        // A copy: a heap state backend keeps the object, which the heap changes.
                        pending.update(pendingSerializer.copy(clicks));
                    }
                });
    }

    /**
     * The descriptor of the user's timeline state (name, serializer, TTL: all part of the
     * checkpoint contract).
     */
    ValueStateDescriptor<UserTimeline> timelineState() {
        ValueStateDescriptor<UserTimeline> descriptor =
                new ValueStateDescriptor<>(TIMELINE_STATE, timelineSerializer);
        descriptor.enableTimeToLive(stateTtl());
        return descriptor;
    }

    /** The descriptor of the user's pending-clicks state. */
    ValueStateDescriptor<PendingClicks> pendingState() {
        ValueStateDescriptor<PendingClicks> descriptor =
                new ValueStateDescriptor<>(PENDING_STATE, pendingSerializer);
        descriptor.enableTimeToLive(stateTtl());
        return descriptor;
    }

    /**
     * The descriptor of the user's spilled clicks (beyond the pending buffer's cap), keyed by event
     * time.
     */
    MapStateDescriptor<Long, PendingClicks> spillState() {
        MapStateDescriptor<Long, PendingClicks> descriptor =
                new MapStateDescriptor<>(SPILL_STATE, LongSerializer.INSTANCE, pendingSerializer);
        descriptor.enableTimeToLive(stateTtl());
        return descriptor;
    }

    /** The descriptor of the number of spilled clicks. */
    ValueStateDescriptor<Integer> spillSizeState() {
        ValueStateDescriptor<Integer> descriptor =
                new ValueStateDescriptor<>(SPILL_SIZE_STATE, IntSerializer.INSTANCE);
        descriptor.enableTimeToLive(stateTtl());
        return descriptor;
    }

    private StateTtlConfig stateTtl() {
        return StateTtlConfig.newBuilder(settings.stateTtl())
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<SessionFeatures> out)
            throws Exception {
        clicksIn.inc();
        long time = event.getEventTime().toEpochMilli();
        long watermark = ctx.timerService().currentWatermark();
        if (time > watermark) {
            // The common case: wait for the watermark. Whether the click is older than the user's
            // last
            // applied one is checked when it is applied (after a restore the watermark starts from
            // scratch, so "ahead of the watermark" does not imply "after the last applied click").
            buffer(event, ctx);
            return;
        }
        if (time < watermark - allowedLatenessMillis) {
            late(event, ctx);
            return;
        }
        UserTimeline t = timeline.value();
        if (t != null && !t.isEmpty() && time < t.lastEventTime()) {
            late(event, ctx);
            return;
        }
        if (t == null) {
            t = new UserTimeline();
        }
        apply(t, FeatureRecords.toClick(event), ctx.getCurrentKey(), ctx, out);
        timeline.update(t);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionFeatures> out)
            throws Exception {
        String userId = ctx.getCurrentKey();
        HeapPendingClicks.Entry entry = heap == null ? null : heap.get(userId);
        PendingClicks p;
        int spilled;
        if (entry != null) {
            p = entry.clicks;
            spilled = entry.spilled;
        } else if (heap != null && heap.isKnownEmpty(userId)) {
            // A timer with nothing due (left by a bounded-wait release, an expiry timer): no read.
            p = null;
            spilled = 0;
        } else {
            p = readPending();
            spilled = spilledCount();
        }
        int buffered = p == null ? 0 : p.size();
        List<Click> due;
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            // The bounded wait is over: the whole buffer goes, in event-time order, watermark or
            // not.
            due = p == null ? new ArrayList<>() : p.takeUpTo(Long.MAX_VALUE);
            if (spilled > 0) {
                due.addAll(takeWholeSpill());
                if (entry != null) {
                    entry.spilled = 0;
                }
                due.sort(
                        Comparator.comparingLong(
                                Click::eventTime)); // stable: buffered before spilled at a tie
            }
            spilled = 0;
            appliedBeforeWatermark.inc(due.size());
        } else if (spilled > 0) {
            // Spilled clicks come back timer by timer (a point read each), so the buffer may
            // release only this timer's clicks too: its earlier clicks went at earlier timers (its
            // own timer stays at its first click, and timers fire in time order).
            due = p == null ? new ArrayList<>() : p.takeUpTo(timestamp);
            PendingClicks atThisTime = spill.get(timestamp);
            if (atThisTime != null) {
                due.addAll(atThisTime.clicks());
                spill.remove(timestamp);
                spilled -= atThisTime.size();
                setSpilledCount(spilled);
                if (entry != null) {
                    entry.spilled = spilled;
                }
            }
        } else {
            // Everything up to the watermark is due, not just this timer's clicks: one state round
            // trip applies them all.
            long dueUpTo = Math.max(timestamp, ctx.timerService().currentWatermark());
            due = p == null ? List.of() : p.takeUpTo(dueUpTo);
        }
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME
                && !due.isEmpty()
                && p != null
                && !p.isEmpty()) {
            // The buffer's timer is at its first click (see buffer): the clicks left need the next.
            ctx.timerService().registerEventTimeTimer(p.firstEventTime());
        }
        if (!due.isEmpty()) {
            UserTimeline t = timeline.value();
            if (t == null) {
                t = new UserTimeline();
            }
            for (Click click : due) {
                if (!t.isEmpty() && click.eventTime() < t.lastEventTime()) {
                    // Only after a restore: watermarks restart from nothing, so a click older than
                    // the
                    // user's restored last click can get past the check in processElement. (The
                    // click is
                    // rebuilt from the buffer; only an empty profile map turns into an absent one.)
                    late(FeatureRecords.toClickEvent(click), ctx);
                } else {
                    apply(t, click, userId, ctx, out);
                }
            }
            timeline.update(t);
            if (entry != null && entry.clicks.isEmpty()) {
                // Emptied: off the heap at once, so that its room serves other users.
                if (entry.inState) {
                    pending.clear();
                }
                heap.drop(userId);
                if (spilled == 0) {
                    heap.rememberEmpty(userId);
                }
            } else if (entry != null) {
                heap.changed(entry, buffered);
            } else if (p == null || p.isEmpty()) {
                pending.clear();
                if (heap != null && spilled == 0) {
                    heap.rememberEmpty(userId);
                }
            } else {
                pending.update(p);
            }
        } else if (ctx.timeDomain() == TimeDomain.EVENT_TIME
                && Math.floorMod(timestamp, expiryResolutionMillis) == 0) {
            // Expiry timers lie on the resolution grid; other timers with nothing due belong to
            // clicks
            // already applied by an earlier timer and need no state read.
            UserTimeline t = timeline.value();
            if (t != null && t.expiredAt(timestamp - allowedLatenessMillis, rules)) {
                // Event time has passed last click + horizon + lateness: nothing here can matter
                // any more.
                if (!t.isEmpty()) {
                    sessionsClosed.inc();
                }
                statesExpired.inc();
                timeline.clear();
            }
        }
    }

    private void buffer(ClickEvent event, Context ctx) throws Exception {
        String user = ctx.getCurrentKey();
        HeapPendingClicks.Entry entry = heap == null ? null : heap.get(user);
        PendingClicks p;
        int spilled;
        if (entry != null) {
            p = entry.clicks;
            spilled = entry.spilled;
            if (heap.full()) {
                // The heap is full: this user's buffer goes back to keyed state, as the buffers of
                // users who never fitted.
                if (p.isEmpty()) {
                    pending.clear();
                } else {
                    pending.update(p);
                }
                heap.drop(user);
                entry = null;
            }
        } else {
            if (heap != null && heap.takeKnownEmpty(user)) {
                p = null;
                spilled = 0;
            } else {
                p = readPending();
                spilled = spilledCount();
            }
            if (heap != null) {
                // Taken over from keyed state if it fits; otherwise it stays there.
                entry = heap.adopt(user, p, spilled, pendingSerializer::copy);
                if (entry != null) {
                    p = entry.clicks;
                }
            }
        }
        if (p == null) {
            p = new PendingClicks();
        }
        long time = event.getEventTime().toEpochMilli();
        if (spilled > 0 || p.size() >= settings.maxPendingClicks()) {
            PendingClicks atThisTime = spill.get(time);
            if (atThisTime == null) {
                atThisTime = new PendingClicks();
            }
            atThisTime.add(FeatureRecords.toClick(event));
            spill.put(time, atThisTime);
            setSpilledCount(spilled + 1);
            if (entry != null) {
                entry.spilled = spilled + 1;
            }
            spilledClicks.inc();
            // Spilled clicks come back one timer each.
            ctx.timerService().registerEventTimeTimer(time);
        } else {
            // One timer per buffer, at its first click: the timer releases every click the
            // watermark has passed and sets the next (a timer per click cost a RocksDB write and
            // delete per click and fired mostly with nothing due).
            boolean first = p.isEmpty() || time < p.firstEventTime();
            p.add(FeatureRecords.toClick(event));
            if (entry != null) {
                heap.changed(entry, p.size() - 1);
            } else {
                pending.update(p);
            }
            pendingBufferSize.update(p.size());
            if (first) {
                ctx.timerService().registerEventTimeTimer(time);
            }
        }
        if (maxWaitMillis > 0) {
            long due = ctx.timerService().currentProcessingTime() + maxWaitMillis;
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            Math.floorDiv(due + MAX_WAIT_GRID_MILLIS - 1, MAX_WAIT_GRID_MILLIS)
                                    * MAX_WAIT_GRID_MILLIS);
        }
    }

    /**
     * The user's pending buffer in keyed state, read because the user is neither on the heap nor
     * known to have none there (counted: a miss of the heap buffer).
     */
    private PendingClicks readPending() throws Exception {
        pendingStateReads.inc();
        return pending.value();
    }

    private int spilledCount() throws Exception {
        Integer n = spillSize.value();
        return n == null ? 0 : n;
    }

    private void setSpilledCount(int n) throws Exception {
        if (n == 0) {
            spillSize.clear();
        } else {
            spillSize.update(n);
        }
    }

    /**
     * Every spilled click, in event-time order (arrival order at a tie); the spill is empty
     * afterwards.
     */
    private List<Click> takeWholeSpill() throws Exception {
        List<Map.Entry<Long, PendingClicks>> entries = new ArrayList<>();
        spill.entries().forEach(entries::add);
        entries.sort(Map.Entry.comparingByKey());
        List<Click> clicks = new ArrayList<>();
        entries.forEach(e -> clicks.addAll(e.getValue().clicks()));
        spill.clear();
        spillSize.clear();
        return clicks;
    }

    private void late(ClickEvent event, Context ctx) {
        lateClicks.inc();
        ctx.output(LATE_CLICKS, event);
    }

    /** Applies one in-order click, emits its model input and keeps the expiry timer ahead of it. */
    private void apply(
            UserTimeline t,
            Click click,
            String userId,
            Context ctx,
            Collector<SessionFeatures> out) {
        long previousExpiry = t.isEmpty() ? Long.MIN_VALUE : expiryTimerFor(t.lastEventTime());
        UserTimeline.Step step = t.accept(userId, click, rules);
        if (step.startedSession()) {
            sessionsOpened.inc();
            if (step.closedSession() != null) {
                sessionsClosed.inc();
            }
        }
        out.collect(
                FeatureRecords.toSessionFeatures(
                        t.modelInput(userId), ctx.timerService().currentProcessingTime()));
        long expiry = expiryTimerFor(t.lastEventTime());
        if (expiry != previousExpiry) {
            ctx.timerService().registerEventTimeTimer(expiry);
        }
    }

    /**
     * The first timer time, on the resolution grid, at which the state of a user last seen at
     * {@code lastEventTime} has expired.
     */
    private long expiryTimerFor(long lastEventTime) {
        long due = lastEventTime + rules.historyHorizonMillis() + allowedLatenessMillis + 1;
        long rounded =
                Math.floorDiv(due + expiryResolutionMillis - 1, expiryResolutionMillis)
                        * expiryResolutionMillis;
        return rounded;
    }
}
