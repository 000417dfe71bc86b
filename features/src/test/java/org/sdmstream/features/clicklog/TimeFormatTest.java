package org.sdmstream.features.clicklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeFormatTest {

    @Test
    void epochSecondsAcceptIntegersDecimalsAndExponents() {
        TimeFormat s = TimeFormat.parse("epoch_s");
        assertThat(s.toEpochMillis("881250949")).isEqualTo(881250949000L);
        assertThat(s.toEpochMillis(" 881250949.5 ")).isEqualTo(881250949500L);
        assertThat(s.toEpochMillis("8.81250949E8")).isEqualTo(881250949000L);
        assertThat(s.toEpochMillis("-1")).isEqualTo(-1000L);
    }

    @Test
    void epochMillisAreTakenAsIs() {
        assertThat(TimeFormat.parse("epoch_ms").toEpochMillis("1511544070123"))
                .isEqualTo(1511544070123L);
    }

    @Test
    void patternsAreReadAsUtc() {
        assertThat(TimeFormat.parse("yyyy-MM-dd HH:mm:ss").toEpochMillis("1970-01-02 00:00:01"))
                .isEqualTo(86_401_000L);
        assertThat(
                        TimeFormat.parse("yyyy-MM-dd HH:mm:ss.SSS")
                                .toEpochMillis("1970-01-01 00:00:00.250"))
                .isEqualTo(250L);
        assertThat(TimeFormat.parse("yyyy-MM-dd").toEpochMillis("1970-01-03"))
                .isEqualTo(2 * 86_400_000L);
        assertThat(
                        TimeFormat.parse("yyyy-MM-dd'T'HH:mmXXX")
                                .toEpochMillis("1970-01-01T02:00+01:00"))
                .isEqualTo(3_600_000L);
    }

    @Test
    void isoTakesUtcUnlessAnOffsetIsGiven() {
        assertThat(TimeFormat.ISO.toEpochMillis("1970-01-01T00:01:00")).isEqualTo(60_000L);
        assertThat(TimeFormat.ISO.toEpochMillis("1970-01-01T01:01:00+01:00")).isEqualTo(60_000L);
        assertThat(TimeFormat.ISO.toEpochMillis("1970-01-01T00:01:00Z")).isEqualTo(60_000L);
    }

    @Test
    void badTimesGiveAShortReason() {
        assertThatThrownBy(() -> TimeFormat.EPOCH_SECONDS.toEpochMillis("12:00"))
                .hasMessage("time '12:00' is not a number (epoch_s)");
        assertThatThrownBy(() -> TimeFormat.EPOCH_SECONDS.toEpochMillis(""))
                .hasMessage("empty time");
        assertThatThrownBy(() -> TimeFormat.EPOCH_SECONDS.toEpochMillis("99999999999999999"))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> TimeFormat.parse("yyyy-MM-dd").toEpochMillis("2024/01/01"))
                .hasMessage("time '2024/01/01' does not match yyyy-MM-dd");
    }

    @Test
    void anInvalidPatternIsRejectedUpFront() {
        assertThatThrownBy(() -> TimeFormat.parse("yyyy-MM-dd {{"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "neither epoch_s, epoch_ms, iso nor a valid java.time pattern");
    }
}
