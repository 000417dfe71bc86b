package org.sdmstream.model;

import java.util.List;

/**
 * Every size and knob of the SDM model and its training loop, with the paper's defaults. The same
 * builder makes the baselines: {@code longTerm=false} is SDM without the long-term branch, and
 * {@link Architecture#YOUTUBE_DNN} mean-pools session and history embeddings with the user
 * embedding through dense layers. Documented key by key in docs/model.md.
 */
public record SdmConfig(
        Architecture architecture,
        boolean longTerm,
        int itemEmbeddingDim,
        int categoryEmbeddingDim,
        int brandEmbeddingDim,
        int shopEmbeddingDim,
        int userEmbeddingDim,
        int hiddenSize,
        int heads,
        int maxSessionLength,
        int maxHistoryLength,
        List<Integer> dnnHiddenLayers,
        float logitScale,
        LossType loss,
        int fullSoftmaxMaxItems,
        int negatives,
        Sampler sampler,
        float learningRate,
        int batchSize,
        int epochs,
        double validationFraction,
        int patience,
        long seed,
        int minItemCount,
        boolean nextSessionLabel,
        double unknownUserRate,
        int intraOpThreads,
        int interOpThreads,
        int labelWindow,
        float dropout,
        boolean tiedLabels,
        float weightDecay,
        boolean sharedItemTable,
        boolean shuffleTies) {

    /** Which tower the builder makes. */
    public enum Architecture {
        SDM,
        YOUTUBE_DNN
    }

    /** How the next-item softmax is computed during training. */
    public enum LossType {
        /** Full softmax up to {@code fullSoftmaxMaxItems} items, sampled softmax above. */
        AUTO,
        FULL_SOFTMAX,
        SAMPLED_SOFTMAX
    }

    /** Distribution of sampled-softmax negatives (shared by all examples of a batch). */
    public enum Sampler {
        UNIFORM,
        /** Zipfian over vocabulary rank; the vocabulary is in descending frequency order. */
        LOG_UNIFORM
    }

    /**
     * The defaults: every key named once, here (help texts and docs/model.md read them from this).
     */
    public static final SdmConfig DEFAULT =
            new Builder()
                    .architecture(Architecture.SDM)
                    .longTerm(true)
                    .itemEmbeddingDim(64)
                    .categoryEmbeddingDim(16)
                    .brandEmbeddingDim(16)
                    .shopEmbeddingDim(16)
                    .userEmbeddingDim(64)
                    .hiddenSize(64)
                    .heads(4)
                    .maxSessionLength(50)
                    .maxHistoryLength(20)
                    .dnnHiddenLayers(List.of(128))
                    .logitScale(10f)
                    .loss(LossType.AUTO)
                    .fullSoftmaxMaxItems(20_000)
                    .negatives(256)
                    .sampler(Sampler.LOG_UNIFORM)
                    .learningRate(0.001f)
                    .batchSize(64)
                    .epochs(20)
                    .validationFraction(0.1)
                    .patience(2)
                    .seed(42L)
                    .minItemCount(1)
                    .nextSessionLabel(true)
                    .unknownUserRate(0.02)
                    .intraOpThreads(0)
                    .interOpThreads(0)
                    .labelWindow(1)
                    .dropout(0.4f)
                    .tiedLabels(false)
                    .weightDecay(1f)
                    .sharedItemTable(false)
                    .shuffleTies(false)
                    .build();

    public SdmConfig {
        dnnHiddenLayers = List.copyOf(dnnHiddenLayers);
        positive("itemEmbeddingDim", itemEmbeddingDim);
        positive("categoryEmbeddingDim", categoryEmbeddingDim);
        positive("brandEmbeddingDim", brandEmbeddingDim);
        positive("shopEmbeddingDim", shopEmbeddingDim);
        positive("userEmbeddingDim", userEmbeddingDim);
        positive("hiddenSize", hiddenSize);
        positive("heads", heads);
        positive("maxSessionLength", maxSessionLength);
        positive("maxHistoryLength", maxHistoryLength);
        positive("negatives", negatives);
        positive("batchSize", batchSize);
        positive("epochs", epochs);
        dnnHiddenLayers.forEach(n -> positive("dnnHiddenLayers", n));
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException(
                    "hiddenSize (" + hiddenSize + ") must be divisible by heads (" + heads + ")");
        }
        if (!(logitScale > 0)) {
            throw new IllegalArgumentException("logitScale must be > 0, got " + logitScale);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (validationFraction < 0 || validationFraction >= 1) {
            throw new IllegalArgumentException(
                    "validationFraction must be in [0, 1), got " + validationFraction);
        }
        if (unknownUserRate < 0 || unknownUserRate >= 1) {
            throw new IllegalArgumentException(
                    "unknownUserRate must be in [0, 1), got " + unknownUserRate);
        }
        if (labelWindow == 0) {
            labelWindow = 1; // files written before the key existed: the next click only
        }
        if (labelWindow < 1) {
            throw new IllegalArgumentException("labelWindow must be >= 1, got " + labelWindow);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(weightDecay >= 0 && learningRate * weightDecay < 1)) {
            throw new IllegalArgumentException(
                    "weightDecay must be >= 0 and below 1 / learningRate, got " + weightDecay);
        }
        if (sharedItemTable && itemEmbeddingDim != hiddenSize) {
            // The output table scores against the hiddenSize-wide user vector, the input table
            // feeds itemEmbeddingDim-wide embeddings: one table can only be both at one width.
            throw new IllegalArgumentException(
                    "sharedItemTable needs itemEmbeddingDim ("
                            + itemEmbeddingDim
                            + ") equal to hiddenSize ("
                            + hiddenSize
                            + "): give both the same width (--item-dim and --hidden-size), or set"
                            + " sharedItemTable false in the config file");
        }
        if (shuffleTies && (labelWindow > 1 || tiedLabels)) {
            // Shuffled ties take their labels from the shuffled order: the next click only.
            throw new IllegalArgumentException(
                    "shuffleTies labels each click with the next one in the shuffled order;"
                            + " it does not combine with labelWindow > 1 or tiedLabels");
        }
        if (patience < 0 || intraOpThreads < 0 || interOpThreads < 0 || minItemCount < 1) {
            throw new IllegalArgumentException(
                    "patience, intraOpThreads, interOpThreads must be >= 0 and minItemCount >= 1");
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, got " + value);
        }
    }

    /**
     * Width of one session/history position: the concatenated item, category, brand and shop
     * embeddings.
     */
    public int itemInputDim() {
        return itemEmbeddingDim + categoryEmbeddingDim + brandEmbeddingDim + shopEmbeddingDim;
    }

    /** Whether training uses the full softmax for a catalogue of {@code items} embedding rows. */
    public boolean fullSoftmax(int items) {
        return switch (loss) {
            case FULL_SOFTMAX -> true;
            case SAMPLED_SOFTMAX -> false;
            case AUTO -> items <= fullSoftmaxMaxItems;
        };
    }

    /** Short model name for reports. */
    public String modelName() {
        return switch (architecture) {
            case SDM -> longTerm ? "SDM" : "SDM-short-term";
            case YOUTUBE_DNN -> "YouTubeDNN";
        };
    }

    public SdmConfig withArchitecture(Architecture a, boolean withLongTerm) {
        return new Builder(this).architecture(a).longTerm(withLongTerm).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** Fluent copy-and-change, so callers name only the keys they set. */
    public static final class Builder {
        private Architecture architecture;
        private boolean longTerm;
        private int itemEmbeddingDim,
                categoryEmbeddingDim,
                brandEmbeddingDim,
                shopEmbeddingDim,
                userEmbeddingDim;
        private int hiddenSize, heads, maxSessionLength, maxHistoryLength;
        private List<Integer> dnnHiddenLayers;
        private float logitScale;
        private LossType loss;
        private int fullSoftmaxMaxItems, negatives;
        private Sampler sampler;
        private float learningRate;
        private int batchSize, epochs;
        private double validationFraction;
        private int patience;
        private long seed;
        private int minItemCount;
        private boolean nextSessionLabel;
        private double unknownUserRate;
        private int intraOpThreads, interOpThreads;
        private int labelWindow;
        private float dropout;
        private boolean tiedLabels;
        private float weightDecay;
        private boolean sharedItemTable;
        private boolean shuffleTies;

        /** Every key unset: only {@link #DEFAULT} starts here, and it sets them all. */
        private Builder() {}

        private Builder(SdmConfig c) {
            architecture = c.architecture;
            longTerm = c.longTerm;
            itemEmbeddingDim = c.itemEmbeddingDim;
            categoryEmbeddingDim = c.categoryEmbeddingDim;
            brandEmbeddingDim = c.brandEmbeddingDim;
            shopEmbeddingDim = c.shopEmbeddingDim;
            userEmbeddingDim = c.userEmbeddingDim;
            hiddenSize = c.hiddenSize;
            heads = c.heads;
            maxSessionLength = c.maxSessionLength;
            maxHistoryLength = c.maxHistoryLength;
            dnnHiddenLayers = c.dnnHiddenLayers;
            logitScale = c.logitScale;
            loss = c.loss;
            fullSoftmaxMaxItems = c.fullSoftmaxMaxItems;
            negatives = c.negatives;
            sampler = c.sampler;
            learningRate = c.learningRate;
            batchSize = c.batchSize;
            epochs = c.epochs;
            validationFraction = c.validationFraction;
            patience = c.patience;
            seed = c.seed;
            minItemCount = c.minItemCount;
            nextSessionLabel = c.nextSessionLabel;
            unknownUserRate = c.unknownUserRate;
            intraOpThreads = c.intraOpThreads;
            interOpThreads = c.interOpThreads;
            labelWindow = c.labelWindow;
            dropout = c.dropout;
            tiedLabels = c.tiedLabels;
            weightDecay = c.weightDecay;
            sharedItemTable = c.sharedItemTable;
            shuffleTies = c.shuffleTies;
        }

        public Builder architecture(Architecture v) {
            architecture = v;
            return this;
        }

        public Builder longTerm(boolean v) {
            longTerm = v;
            return this;
        }

        public Builder itemEmbeddingDim(int v) {
            itemEmbeddingDim = v;
            return this;
        }

        public Builder categoryEmbeddingDim(int v) {
            categoryEmbeddingDim = v;
            return this;
        }

        public Builder brandEmbeddingDim(int v) {
            brandEmbeddingDim = v;
            return this;
        }

        public Builder shopEmbeddingDim(int v) {
            shopEmbeddingDim = v;
            return this;
        }

        public Builder userEmbeddingDim(int v) {
            userEmbeddingDim = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder heads(int v) {
            heads = v;
            return this;
        }

        public Builder maxSessionLength(int v) {
            maxSessionLength = v;
            return this;
        }

        public Builder maxHistoryLength(int v) {
            maxHistoryLength = v;
            return this;
        }

        public Builder dnnHiddenLayers(List<Integer> v) {
            dnnHiddenLayers = v;
            return this;
        }

        public Builder logitScale(float v) {
            logitScale = v;
            return this;
        }

        public Builder loss(LossType v) {
            loss = v;
            return this;
        }

        public Builder fullSoftmaxMaxItems(int v) {
            fullSoftmaxMaxItems = v;
            return this;
        }

        public Builder negatives(int v) {
            negatives = v;
            return this;
        }

        public Builder sampler(Sampler v) {
            sampler = v;
            return this;
        }

        public Builder learningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder minItemCount(int v) {
            minItemCount = v;
            return this;
        }

        public Builder nextSessionLabel(boolean v) {
            nextSessionLabel = v;
            return this;
        }

        public Builder unknownUserRate(double v) {
            unknownUserRate = v;
            return this;
        }

        public Builder intraOpThreads(int v) {
            intraOpThreads = v;
            return this;
        }

        public Builder interOpThreads(int v) {
            interOpThreads = v;
            return this;
        }

        public Builder labelWindow(int v) {
            labelWindow = v;
            return this;
        }

        public Builder dropout(float v) {
            dropout = v;
            return this;
        }

        public Builder tiedLabels(boolean v) {
            tiedLabels = v;
            return this;
        }

        public Builder weightDecay(float v) {
            weightDecay = v;
            return this;
        }

        public Builder sharedItemTable(boolean v) {
            sharedItemTable = v;
            return this;
        }

        public Builder shuffleTies(boolean v) {
            shuffleTies = v;
            return this;
        }

        public SdmConfig build() {
            return new SdmConfig(
                    architecture,
                    longTerm,
                    itemEmbeddingDim,
                    categoryEmbeddingDim,
                    brandEmbeddingDim,
                    shopEmbeddingDim,
                    userEmbeddingDim,
                    hiddenSize,
                    heads,
                    maxSessionLength,
                    maxHistoryLength,
                    dnnHiddenLayers,
                    logitScale,
                    loss,
                    fullSoftmaxMaxItems,
                    negatives,
                    sampler,
                    learningRate,
                    batchSize,
                    epochs,
                    validationFraction,
                    patience,
                    seed,
                    minItemCount,
                    nextSessionLabel,
                    unknownUserRate,
                    intraOpThreads,
                    interOpThreads,
                    labelWindow,
                    dropout,
                    tiedLabels,
                    weightDecay,
                    sharedItemTable,
                    shuffleTies);
        }
    }
}
