package org.sdmstream.model.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.sdmstream.features.Session;
import org.sdmstream.features.encoding.EncodedBatch;
import org.sdmstream.features.encoding.FeatureVocabularies;
import org.sdmstream.features.encoding.ModelInputEncoder;
import org.sdmstream.features.encoding.Vocabulary;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.graph.InputTensors;
import org.sdmstream.model.graph.SdmGraph;
import org.sdmstream.model.graph.TrainingHead;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Trains SDM (or a baseline, by config) on sessions from {@code OfflineSessionizer}: builds the
 * vocabularies, holds out a validation split, runs seeded mini-batch Adam over session examples,
 * stops early when validation loss stops improving, keeps the best epoch, and checkpoints every
 * epoch so {@code resume} continues where a run stopped.
 *
 * <p>Typical use: {@code try (TrainedSdm m = SdmTrainer.train(sessions, config, progress)) {...}}.
 */
public final class SdmTrainer {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SdmConfig config;
    private Function<String, Map<String, String>> profiles = u -> Map.of();
    private Path checkpointDir;
    private boolean resume;

    public SdmTrainer(SdmConfig config) {
        this.config = config;
    }

    /** Trains with no profiles and no kept checkpoints: the simple entry point for evaluation. */
    public static TrainedSdm train(
            List<Session> trainSessions, SdmConfig config, ProgressListener progress) {
        return new SdmTrainer(config).train(trainSessions, progress);
    }

    /** User profile attributes by user id (empty map when unknown); default: none. */
    public SdmTrainer withProfiles(Function<String, Map<String, String>> userProfiles) {
        this.profiles = userProfiles;
        return this;
    }

    /**
     * Keeps checkpoints in {@code dir} ({@code last/}, {@code best/}, {@code vocab/}, {@code
     * state.json}); with {@code resumeFromIt}, continues from the last completed epoch found there.
     */
    public SdmTrainer withCheckpoints(Path dir, boolean resumeFromIt) {
        this.checkpointDir = dir;
        this.resume = resumeFromIt;
        return this;
    }

    /** Persistent trainer state beside the checkpoints. */
    record TrainerState(
            SdmConfig config,
            int completedEpochs,
            double bestValidationLoss,
            int bestEpoch,
            int epochsWithoutImprovement,
            List<EpochResult> history) {}

    public TrainedSdm train(List<Session> sessions, ProgressListener progress) {
        if (sessions.isEmpty()) {
            throw new IllegalArgumentException("no training sessions");
        }
        Path dir = checkpointDir;
        boolean temporary = dir == null;
        try {
            if (temporary) {
                dir = Files.createTempDirectory("sdm-train-");
            }
            return run(sessions, progress, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("training checkpoint I/O failed in " + dir, e);
        } finally {
            if (temporary && dir != null) {
                deleteRecursively(dir);
            }
        }
    }

    private TrainedSdm run(List<Session> sessions, ProgressListener progress, Path dir)
            throws IOException {
        Path stateFile = dir.resolve("state.json");
        TrainerState state = null;
        FeatureVocabularies vocabularies;
        if (resume && Files.exists(stateFile)) {
            state = JSON.readValue(stateFile.toFile(), TrainerState.class);
            checkResumable(state.config());
            vocabularies = FeatureVocabularies.load(dir.resolve("vocab"));
            progress.onMessage("resuming from " + dir + " after epoch " + state.completedEpochs());
        } else {
            vocabularies = FeatureVocabularies.build(sessions, profiles, config.minItemCount());
            vocabularies.save(dir.resolve("vocab"));
        }
        if (vocabularies.items().size() <= Vocabulary.FIRST_VALUE) {
            throw new IllegalArgumentException(
                    "no item occurs " + config.minItemCount() + "+ times: nothing to learn");
        }

        List<SessionExample> examples =
                TrainingExamples.from(
                        sessions,
                        profiles,
                        config.nextSessionLabel(),
                        config.labelWindow(),
                        config.tiedLabels());
        List<SessionExample> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, new Random(config.seed()));
        int validationCount = validationCount(shuffled.size());
        List<SessionExample> validation = shuffled.subList(0, validationCount);
        List<SessionExample> train = shuffled.subList(validationCount, shuffled.size());
        TrainedSdm.TrainingData data = summarize(sessions, train.size(), validation.size());

        ModelInputEncoder encoder =
                new ModelInputEncoder(
                        vocabularies, config.maxSessionLength(), config.maxHistoryLength());
        SdmGraph.Sizes sizes = SdmGraph.Sizes.of(vocabularies);
        boolean full = config.fullSoftmax(sizes.items());
        Graph graph = new Graph();
        org.tensorflow.Session session = null;
        try {
            SdmGraph tower = new SdmGraph(graph, config, sizes);
            TrainingHead head = new TrainingHead(tower, full, config.negatives());
            Op trainOp = adamStep(tower, head);
            session = new org.tensorflow.Session(graph, sessionConfig(config));
            List<EpochResult> history = new ArrayList<>();
            int startEpoch = 1;
            double best = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            int stale = 0;
            if (state != null && state.completedEpochs() > 0) {
                session.restore(dir.resolve("last").resolve("ckpt").toString());
                history.addAll(state.history());
                startEpoch = state.completedEpochs() + 1;
                best = state.bestValidationLoss();
                bestEpoch = state.bestEpoch();
                stale = state.epochsWithoutImprovement();
            } else {
                session.initialize();
            }
            boolean hasValidation = !validation.isEmpty();
            for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
                if (config.patience() > 0 && stale >= config.patience()) {
                    break; // a resumed run that had already stopped early
                }
                long t0 = System.nanoTime();
                double[] trainLoss =
                        runEpoch(session, head, trainOp, encoder, train, epoch, sizes, progress);
                double validationLoss =
                        hasValidation
                                ? evaluate(session, head, encoder, validation, sizes)
                                : Double.NaN;
                boolean improved = !hasValidation || validationLoss < best;
                if (improved) {
                    best = hasValidation ? validationLoss : best;
                    bestEpoch = epoch;
                    stale = 0;
                    save(session, dir.resolve("best"));
                } else {
                    stale++;
                }
                EpochResult result =
                        new EpochResult(
                                epoch,
                                trainLoss[0],
                                validationLoss,
                                (long) trainLoss[1],
                                (System.nanoTime() - t0) / 1e9,
                                improved);
                history.add(result);
                progress.onEpoch(result);
                save(session, dir.resolve("last"));
                JSON.writeValue(
                        stateFile.toFile(),
                        new TrainerState(config, epoch, best, bestEpoch, stale, history));
                if (config.patience() > 0 && stale >= config.patience()) {
                    progress.onMessage(
                            "early stop: validation loss has not improved for "
                                    + stale
                                    + " epochs (best "
                                    + String.format("%.4f", best)
                                    + " at epoch "
                                    + bestEpoch
                                    + ")");
                    break;
                }
            }
            if (hasValidation
                    && bestEpoch > 0
                    && bestEpoch != history.get(history.size() - 1).epoch()) {
                session.restore(dir.resolve("best").resolve("ckpt").toString());
                progress.onMessage(
                        "restored the weights of epoch " + bestEpoch + " (best validation loss)");
            }
            return new TrainedSdm(config, vocabularies, graph, session, tower, history, data);
        } catch (RuntimeException | IOException e) {
            if (session != null) {
                session.close();
            }
            graph.close();
            throw e;
        }
    }

    /**
     * One Adam step over every variable, applied only after ALL gradients are computed: ref
     * variables are updated in place, and a gradient op still reading a weight that another
     * variable's update already changed would make training racy and unreproducible. {@link
     * OrderedAdam} likewise advances its β powers only after every variable's update.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private Op adamStep(SdmGraph tower, TrainingHead head) {
        Optimizer adam =
                new OrderedAdam(tower.graph(), config.learningRate(), config.weightDecay());
        List<Optimizer.GradAndVar<?>> gradients = adam.computeGradients(head.loss());
        Ops tf = tower.tf();
        List<Op> computed = new ArrayList<>();
        for (Optimizer.GradAndVar<?> g : gradients) {
            computed.add(tf.identity((Output) g.getGradient()));
        }
        Ops afterAll = tf.withControlDependencies(computed);
        List<Optimizer.GradAndVar<? extends TType>> gated = new ArrayList<>();
        for (Optimizer.GradAndVar<?> g : gradients) {
            gated.add(
                    new Optimizer.GradAndVar(
                            afterAll.identity((Output) g.getGradient()).asOutput(),
                            g.getVariable()));
        }
        return adam.applyGradients(gated, "train");
    }

    private double[] runEpoch(
            org.tensorflow.Session session,
            TrainingHead head,
            Op trainOp,
            ModelInputEncoder encoder,
            List<SessionExample> train,
            int epoch,
            SdmGraph.Sizes sizes,
            ProgressListener progress) {
        Random random = new Random(config.seed() * 1_000_003L + epoch);
        List<SessionExample> order = new ArrayList<>(train);
        Collections.shuffle(order, random);
        NegativeSampler sampler =
                new NegativeSampler(
                        config.sampler(), config.negatives(), sizes.items(), random.nextLong());
        int batches = (order.size() + config.batchSize() - 1) / config.batchSize();
        double lossSum = 0;
        double exampleSum = 0;
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            List<SessionExample> batch =
                    order.subList(
                            b * config.batchSize(),
                            Math.min(order.size(), (b + 1) * config.batchSize()));
            try (InputTensors in = feeds(encoder, batch, head, sampler, random, true);
                    Result r =
                            in.feed(session.runner())
                                    .addTarget(trainOp)
                                    .fetch(head.loss())
                                    .fetch(head.examples())
                                    .run()) {
                double loss = ((TFloat32) r.get(0)).getFloat();
                double n = ((TFloat32) r.get(1)).getFloat();
                if (Double.isNaN(loss)) {
                    throw new IllegalStateException(
                            "training diverged: loss is NaN at epoch "
                                    + epoch
                                    + ", batch "
                                    + (b + 1)
                                    + "; lower learningRate (now "
                                    + config.learningRate()
                                    + ")");
                }
                lossSum += loss * n;
                exampleSum += n;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / (b + 1) * (batches - b - 1);
            progress.onBatch(
                    epoch,
                    b + 1,
                    batches,
                    lossSum / Math.max(1, exampleSum),
                    exampleSum / elapsed,
                    eta);
        }
        return new double[] {lossSum / Math.max(1, exampleSum), exampleSum};
    }

    /** Mean loss over the labelled positions of {@code examples}, without training. */
    private double evaluate(
            org.tensorflow.Session session,
            TrainingHead head,
            ModelInputEncoder encoder,
            List<SessionExample> examples,
            SdmGraph.Sizes sizes) {
        // A fixed seed gives every validation pass the same negatives, so epochs compare fairly.
        NegativeSampler sampler =
                new NegativeSampler(
                        config.sampler(), config.negatives(), sizes.items(), config.seed() + 17);
        double lossSum = 0;
        double exampleSum = 0;
        for (int from = 0; from < examples.size(); from += config.batchSize()) {
            List<SessionExample> batch =
                    examples.subList(from, Math.min(examples.size(), from + config.batchSize()));
            try (InputTensors in = feeds(encoder, batch, head, sampler, null, false);
                    Result r =
                            in.feed(session.runner())
                                    .fetch(head.loss())
                                    .fetch(head.examples())
                                    .run()) {
                double n = ((TFloat32) r.get(1)).getFloat();
                lossSum += ((TFloat32) r.get(0)).getFloat() * n;
                exampleSum += n;
            }
        }
        return exampleSum == 0 ? Double.NaN : lossSum / exampleSum;
    }

    private InputTensors feeds(
            ModelInputEncoder encoder,
            List<SessionExample> batch,
            TrainingHead head,
            NegativeSampler sampler,
            Random random,
            boolean training) {
        if (training && config.shuffleTies()) {
            batch = batch.stream().map(e -> TieShuffle.shuffle(e, random)).toList();
        }
        List<org.sdmstream.features.ModelInput> inputs =
                batch.stream().map(SessionExample::input).toList();
        EncodedBatch encoded = encoder.encode(inputs);
        if (training && config.unknownUserRate() > 0) {
            // Some examples train the unknown-user row, which serves users first seen after
            // training.
            int[] users = encoded.user();
            for (int i = 0; i < users.length; i++) {
                if (random.nextDouble() < config.unknownUserRate()) {
                    users[i] = Vocabulary.UNKNOWN;
                }
            }
        }
        // Training draws each position's label from its candidates (the next labelWindow clicks);
        // validation
        // always scores the next click, so epochs compare on one fixed target.
        List<List<String>> targets =
                training && (config.labelWindow() > 1 || config.tiedLabels())
                        ? batch.stream().map(e -> drawLabels(e, random)).toList()
                        : batch.stream().map(SessionExample::nextItems).toList();
        int[] labels = encoder.encodeLabels(inputs, targets);
        int t = config.maxSessionLength();
        InputTensors in = new InputTensors(encoded);
        try {
            in.put(TrainingHead.LABELS, InputTensors.ints(labels, batch.size(), t));
            if (training && config.dropout() > 0) {
                in.put(SdmGraph.DROPOUT_RATE, TFloat32.scalarOf(config.dropout()));
                in.put(
                        SdmGraph.DROPOUT_SEED,
                        InputTensors.ints(new int[] {random.nextInt(), random.nextInt()}, 2));
            }
            if (!head.fullSoftmax()) {
                int[] negatives = new int[sampler.count()];
                float[] negativeLogQ = new float[sampler.count()];
                sampler.sample(negatives, negativeLogQ);
                float[] labelLogQ = new float[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    labelLogQ[i] = sampler.logExpectedCount(labels[i]);
                }
                in.put(TrainingHead.NEGATIVES, InputTensors.ints(negatives, negatives.length));
                in.put(
                        TrainingHead.NEGATIVE_LOG_Q,
                        InputTensors.floats(negativeLogQ, negativeLogQ.length));
                in.put(TrainingHead.LABEL_LOG_Q, InputTensors.floats(labelLogQ, batch.size(), t));
            }
            return in;
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static List<String> drawLabels(SessionExample example, Random random) {
        List<String> drawn = new ArrayList<>(example.nextItems().size());
        for (List<String> candidates : example.labelCandidates()) {
            drawn.add(
                    candidates.isEmpty()
                            ? null
                            : candidates.get(random.nextInt(candidates.size())));
        }
        return drawn;
    }

    private int validationCount(int n) {
        if (config.validationFraction() <= 0 || n < 2) {
            return 0;
        }
        return (int) Math.max(1, Math.min(n - 1, Math.round(n * config.validationFraction())));
    }

    private void checkResumable(SdmConfig saved) {
        // Only the stopping rules may change on resume; anything else would not fit the checkpoint.
        SdmConfig a =
                saved.toBuilder().epochs(1).patience(0).intraOpThreads(0).interOpThreads(0).build();
        SdmConfig b =
                config.toBuilder()
                        .epochs(1)
                        .patience(0)
                        .intraOpThreads(0)
                        .interOpThreads(0)
                        .build();
        if (!a.equals(b)) {
            throw new IllegalArgumentException(
                    "cannot resume: the checkpoint was trained with config "
                            + saved
                            + " but this run has "
                            + config
                            + " (only epochs, patience and thread counts may change)");
        }
    }

    private static TrainedSdm.TrainingData summarize(
            List<Session> sessions, int train, int validation) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long clicks = 0;
        for (Session s : sessions) {
            first = Math.min(first, s.start());
            last = Math.max(last, s.end());
            clicks += s.length();
        }
        return new TrainedSdm.TrainingData(first, last, sessions.size(), train, validation, clicks);
    }

    static ConfigProto sessionConfig(SdmConfig config) {
        ConfigProto.Builder b = ConfigProto.newBuilder();
        // Training keeps TF's process-wide pools (sized by the first session of the process, or by
        // TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS): per-session pools made training runs
        // differ.
        if (config.intraOpThreads() > 0) {
            b.setIntraOpParallelismThreads(config.intraOpThreads());
        }
        if (config.interOpThreads() > 0) {
            b.setInterOpParallelismThreads(config.interOpThreads());
        }
        return b.build();
    }

    private static void save(org.tensorflow.Session session, Path dir) throws IOException {
        Files.createDirectories(dir);
        session.save(dir.resolve("ckpt").toString());
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
