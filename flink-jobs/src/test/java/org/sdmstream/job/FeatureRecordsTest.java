package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;

class FeatureRecordsTest {

    @Test
    void clickRoundTrips() {
        Click c =
                new Click(
                        "u", "sdk", new Behavior("i", "c", "b", "s", 42L), Map.of("age", "18-24"));
        assertThat(FeatureRecords.toClick(FeatureRecords.toClickEvent(c))).isEqualTo(c);
        Click bare = new Click("u", null, new Behavior("i", "c", null, "s", 42L));
        assertThat(FeatureRecords.toClick(FeatureRecords.toClickEvent(bare))).isEqualTo(bare);
    }

    @Test
    void modelInputRoundTripsThroughSessionFeatures() {
        ModelInput in =
                new ModelInput(
                        "u",
                        "u@1",
                        List.of(
                                new Behavior("a", null, null, null, 1),
                                new Behavior("b", "c", "d", "e", 2)),
                        List.of(new Behavior("h", "c", null, "s", 0)),
                        Map.of("g", "m"),
                        2);
        var f = FeatureRecords.toSessionFeatures(in, 99);
        assertThat(f.getPosition()).isEqualTo(2);
        assertThat(f.getEmissionTime().toEpochMilli()).isEqualTo(99);
        assertThat(FeatureRecords.toModelInput(f)).isEqualTo(in);
    }
}
